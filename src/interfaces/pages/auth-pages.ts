import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../domain/common/error-codes';
import type { AuthPages } from '../http/auth/install-auth';
import { isSecureRequest } from '../http/auth/install-auth';
import { LOGIN_CSRF_COOKIE, serializeCookie } from '../http/auth/cookies';
import { PageRenderer } from './page-renderer';
import { PAGES_OPTIONS, PagesOptions } from './pages-options';
import { FieldErrors, sendHtml } from './page-support';

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(next) && !next.startsWith('/login') && !next.startsWith('/logout') ? next : '/';
}

/** The login page (with its double-submit CSRF cookie) and the HTML error page. */
@Injectable()
export class LoginPage implements AuthPages {
  constructor(
    private readonly renderer: PageRenderer,
    @Inject(PAGES_OPTIONS) private readonly options: PagesOptions,
  ) {}

  login(request: FastifyRequest, reply: FastifyReply, status: number, form: { values?: Record<string, string>; errors?: FieldErrors; formError?: { code: string; message: string } | null; next?: string } = {}): FastifyReply {
    const loginCsrf = randomBytes(24).toString('base64url');
    reply.header('Set-Cookie', serializeCookie(LOGIN_CSRF_COOKIE, loginCsrf, { path: '/login', maxAge: 3600, secure: this.secure(request) }));
    const next = form.next ?? (request.method === 'GET' && status === 401 ? safeNext(request.url) : '/');
    return sendHtml(
      reply,
      status,
      this.renderer.render('login', { title: 'Sign in', principal: null, loginCsrf, next, values: form.values ?? {}, errors: form.errors ?? {}, formError: form.formError ?? null }),
    );
  }

  error(request: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
    return sendHtml(reply, status, this.renderer.render('error', { title: 'Request refused', principal: request.principal ?? null, code, message }));
  }

  secure(request: FastifyRequest): boolean {
    return isSecureRequest(request, this.options.cookieSecure);
  }
}
