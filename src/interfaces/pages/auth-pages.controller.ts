import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginCommand } from '../../application/auth/login/login.command';
import type { LoginResult } from '../../application/auth/login/login.handler';
import { LogoutCommand } from '../../application/auth/logout/logout.command';
import { LOGIN_CSRF_COOKIE, serializeCookie, SESSION_COOKIE } from '../http/auth/cookies';
import { setRetryAfter, toApiError } from '../http/api-error.filter';
import { commandMetaOf } from '../http/command-meta.decorator';
import { LoginPage, safeNext } from './auth-pages';
import { PAGES_OPTIONS, PagesOptions } from './pages-options';
import { formFailure, formValues, PagesErrorFilter, seeOther } from './page-support';

@ApiExcludeController()
@UseFilters(PagesErrorFilter)
@Controller()
export class AuthPagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly page: LoginPage,
    @Inject(PAGES_OPTIONS) private readonly options: PagesOptions,
  ) {}

  @Get('login')
  show(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('next') next?: string) {
    if (request.principal?.kind === 'user') return seeOther(reply, safeNext(next));
    return this.page.login(request, reply, 200, { next: safeNext(next) });
  }

  @Post('login')
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown) {
    const values = formValues(body);
    try {
      const result = await this.commands.execute<LoginCommand, LoginResult>(
        new LoginCommand(values.email ?? '', values.password ?? '', request.ip, commandMetaOf(request)),
      );
      const secure = this.page.secure(request);
      reply.header('Set-Cookie', [
        serializeCookie(SESSION_COOKIE, result.sessionSecret, { secure, maxAge: this.options.sessionMaxAgeSeconds }),
        serializeCookie(LOGIN_CSRF_COOKIE, '', { path: '/login', maxAge: 0, secure }),
      ]);
      return seeOther(reply, safeNext(values.next));
    } catch (error) {
      const failure = formFailure(error);
      setRetryAfter(reply, failure.status, toApiError(error).body.details);
      return this.page.login(request, reply, failure.status, {
        values: { email: values.email ?? '' },
        errors: failure.errors,
        formError: failure.formError,
        next: safeNext(values.next),
      });
    }
  }

  @Post('logout')
  async logout(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if (request.sessionSecret) await this.commands.execute(new LogoutCommand(request.sessionSecret, commandMetaOf(request)));
    reply.header('Set-Cookie', serializeCookie(SESSION_COOKIE, '', { maxAge: 0, secure: this.page.secure(request) }));
    return seeOther(reply, '/login');
  }
}
