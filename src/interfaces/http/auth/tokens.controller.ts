import { Body, Controller, Delete, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { ApiTokenView } from '../../../application/auth/auth.views';
import { CreateApiTokenCommand } from '../../../application/auth/create-api-token/create-api-token.command';
import type { CreateApiTokenResult } from '../../../application/auth/create-api-token/create-api-token.handler';
import { ListApiTokensQuery } from '../../../application/auth/list-api-tokens/list-api-tokens.query';
import { RevokeApiTokenCommand } from '../../../application/auth/revoke-api-token/revoke-api-token.command';
import type { CommandMeta } from '../../../application/common/command-meta';
import { Meta } from '../command-meta.decorator';
import { PageQueryDto } from '../dto/list-query.dto';
import { IdParam } from '../params';
import { SignedInUserGuard } from './signed-in-user.guard';
import { CreateApiTokenDto } from './tokens.dto';

/** API tokens: the secret is in the 201 answer of POST only; afterwards only its name, scope and last use. Signed-in users only (a token gets 403). */
@ApiTags('tokens')
@UseGuards(SignedInUserGuard)
@ApiBearerAuth()
@Controller('api/v1/tokens')
export class TokensController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: CreateApiTokenDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<CreateApiTokenCommand, CreateApiTokenResult>(new CreateApiTokenCommand(body.name, body.scope, meta, body.expiresInDays));
    return { token: result.token, secret: result.secret };
  }

  @Get()
  list(@Query() q: PageQueryDto) {
    return this.queries.execute(new ListApiTokensQuery(q.limit, q.cursor));
  }

  @Delete(':id')
  async revoke(@IdParam() id: string, @Meta() meta: CommandMeta) {
    return { token: await this.commands.execute<RevokeApiTokenCommand, ApiTokenView>(new RevokeApiTokenCommand(id, meta)) };
  }
}
