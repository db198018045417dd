import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiTokenView } from '../../application/auth/auth.views';
import { CreateApiTokenCommand } from '../../application/auth/create-api-token/create-api-token.command';
import type { CreateApiTokenResult } from '../../application/auth/create-api-token/create-api-token.handler';
import { ListApiTokensQuery } from '../../application/auth/list-api-tokens/list-api-tokens.query';
import type { Principal } from '../../application/auth/principal';
import { RevokeApiTokenCommand } from '../../application/auth/revoke-api-token/revoke-api-token.command';
import type { Page } from '../../application/common/page';
import { SignedInUserGuard } from '../http/auth/signed-in-user.guard';
import { CreateApiTokenDto } from '../http/auth/tokens.dto';
import { commandMetaOf } from '../http/command-meta.decorator';
import { PageQueryDto } from '../http/dto/list-query.dto';
import { pagerLink, pageQuery, pathId } from './page-params';
import { PageRenderer } from './page-renderer';
import { CurrentPrincipal, formFailure, formValues, optional, PagesErrorFilter, seeOther, sendHtml, validateForm } from './page-support';

@ApiExcludeController()
@UseFilters(PagesErrorFilter)
@UseGuards(SignedInUserGuard)
@Controller('tokens')
export class TokensPagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly renderer: PageRenderer,
  ) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    return sendHtml(reply, 200, await this.render(principal, raw, { values: { scope: 'read', expiresInDays: '90' }, errors: {} }));
  }

  private async render(principal: Principal, raw: Record<string, string>, extra: Record<string, unknown>): Promise<string> {
    const q = pageQuery(PageQueryDto, raw ?? {});
    const page = await this.queries.execute<ListApiTokensQuery, Page<ApiTokenView>>(new ListApiTokensQuery(q.limit, q.cursor));
    const now = new Date().toISOString();
    const tokens = page.items.map((token) => ({ ...token, expired: token.expiresAt !== null && token.expiresAt <= now }));
    return this.renderer.render('tokens', { title: 'API tokens', nav: 'tokens', principal, tokens, next: pagerLink('/tokens', raw ?? {}, page.next), ...extra });
  }

  @Post()
  async create(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const values = formValues(body);
    try {
      const days = optional(values.expiresInDays);
      const input = validateForm(CreateApiTokenDto, { name: values.name ?? '', scope: values.scope ?? '', ...(days === undefined ? {} : { expiresInDays: /^\d{1,5}$/.test(days) ? Number(days) : days }) });
      const created = await this.commands.execute<CreateApiTokenCommand, CreateApiTokenResult>(
        new CreateApiTokenCommand(input.name, input.scope, commandMetaOf(request), input.expiresInDays),
      );
      // The secret is rendered into this one response (no-store) and nowhere else.
      return sendHtml(reply, 201, await this.render(principal, {}, { created, values: { scope: 'read', expiresInDays: '90' }, errors: {} }));
    } catch (error) {
      const failure = formFailure(error);
      return sendHtml(reply, failure.status, await this.render(principal, {}, { values, ...failure }));
    }
  }

  @Post(':id/revoke')
  async revoke(@Param('id') rawId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.commands.execute(new RevokeApiTokenCommand(pathId(rawId), commandMetaOf(request)));
    return seeOther(reply, '/tokens');
  }
}
