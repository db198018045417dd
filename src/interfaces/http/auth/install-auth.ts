import { QueryBus } from '@nestjs/cqrs';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticateQuery } from '../../../application/auth/authenticate/authenticate.query';
import type { Principal } from '../../../application/auth/principal';
import type { ErrorCode } from '../../../domain/common/error-codes';
import { LOGIN_CSRF_COOKIE, parseCookies, SESSION_COOKIE, serializeCookie } from './cookies';
import './request-principal';

/**
 * The routes anyone may call. Everything else (API, pages, SSE, OpenAPI, metrics, unknown paths)
 * needs a session cookie or an API token. A test walks Fastify's route table against this list.
 */
export const PUBLIC_ROUTES: readonly string[] = ['GET /login', 'HEAD /login', 'POST /login', 'GET /healthz', 'HEAD /healthz', 'GET /static/*', 'HEAD /static/*'];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** CSP without inline scripts or styles; frames denied twice (header and CSP). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

/** What the auth hooks need from the pages: the login page for a browser that is not signed in. */
export interface AuthPages {
  /** Renders the login page (status 401 when a protected page was asked for). */
  login(request: FastifyRequest, reply: FastifyReply, status: number): FastifyReply;
  error(request: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply;
}

export function isPublicRoute(method: string, url: string | undefined): boolean {
  return url !== undefined && PUBLIC_ROUTES.includes(`${method} ${url}`);
}

/** A browser navigation (HTML wanted, not an API path): answer with pages, not JSON. */
export function wantsHtml(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/') && /text\/html/.test(request.headers.accept ?? '');
}

export function isSecureRequest(request: FastifyRequest, cookieSecure: 'auto' | 'always'): boolean {
  return cookieSecure === 'always' || request.protocol === 'https';
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function formField(request: FastifyRequest, name: string): string | undefined {
  const body = request.body as Record<string, unknown> | undefined | null;
  const value = body && typeof body === 'object' ? body[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function deny(request: FastifyRequest, reply: FastifyReply, pages: AuthPages, status: number, code: ErrorCode, message: string): FastifyReply {
  if (wantsHtml(request)) return status === 401 ? pages.login(request, reply, 401) : pages.error(request, reply, status, code, message);
  if (status === 401) reply.header('WWW-Authenticate', 'Bearer realm="pressluft"');
  return reply.code(status).type('application/json; charset=utf-8').send({ code, message, details: {} });
}

/**
 * Authentication and CSRF for every route, as Fastify hooks (so routes registered outside Nest, such
 * as /api/docs and /static, are covered too):
 * - onRequest: `Authorization: Bearer <token>` or the session cookie -> request.principal; anonymous
 *   requests to anything but PUBLIC_ROUTES get 401 (a browser gets the login page with status 401).
 * - preValidation (the body is parsed): a state-changing request needs a write-scope token, or a
 *   session plus its CSRF token (`_csrf` form field or `X-CSRF-Token` header) and, when the browser
 *   sends one, a same-origin `Origin`. The login form carries a double-submit CSRF cookie.
 * - onSend: security headers on every response.
 */
export function installAuth(fastify: FastifyInstance, queries: QueryBus, pages: () => AuthPages, cookieSecure: 'auto' | 'always'): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const publicRoute = isPublicRoute(request.method, request.routeOptions.url);
    const authorization = request.headers.authorization;
    let principal: Principal | null = null;
    if (authorization !== undefined) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? '';
      principal = await queries.execute<AuthenticateQuery, Principal | null>(new AuthenticateQuery({ bearer }));
      if (!principal && !publicRoute) return deny(request, reply, pages(), 401, 'UNAUTHENTICATED', 'The API token is invalid, revoked or expired.');
    } else {
      const secret = parseCookies(request.headers.cookie)[SESSION_COOKIE];
      if (secret) {
        principal = await queries.execute<AuthenticateQuery, Principal | null>(new AuthenticateQuery({ sessionSecret: secret }));
        if (principal) request.sessionSecret = secret;
        // An expired or revoked session: drop the stale cookie.
        else reply.header('Set-Cookie', serializeCookie(SESSION_COOKIE, '', { maxAge: 0, secure: isSecureRequest(request, cookieSecure) }));
      }
    }
    request.principal = principal;
    if (!principal && !publicRoute) {
      return deny(request, reply, pages(), 401, 'UNAUTHENTICATED', 'Sign in, or send Authorization: Bearer <API token>.');
    }
  });

  fastify.addHook('preValidation', async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    const principal = request.principal;
    if (request.routeOptions.url === '/login' && request.method === 'POST') {
      const cookie = parseCookies(request.headers.cookie)[LOGIN_CSRF_COOKIE];
      const given = formField(request, '_csrf') ?? header(request, 'x-csrf-token');
      if (!cookie || !given || !safeEqual(cookie, given)) {
        return deny(request, reply, pages(), 403, 'CSRF_FAILED', 'The sign-in form expired; load the page and try again.');
      }
      return;
    }
    if (!principal) return;
    if (principal.kind === 'token') {
      if (principal.scope !== 'write') return deny(request, reply, pages(), 403, 'FORBIDDEN', 'This API token is read-only.');
      return;
    }
    const origin = header(request, 'origin');
    if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) {
      return deny(request, reply, pages(), 403, 'CSRF_FAILED', 'Cross-origin request refused.');
    }
    const given = header(request, 'x-csrf-token') ?? formField(request, '_csrf');
    if (!given || !principal.csrfToken || !safeEqual(given, principal.csrfToken)) {
      return deny(request, reply, pages(), 403, 'CSRF_FAILED', 'Missing or wrong CSRF token; reload the page and try again.');
    }
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (!request.url.startsWith('/static/')) reply.header('Cache-Control', 'no-store');
    done(null, payload);
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
