import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CreateApiTokenCommand } from '../../src/application/auth/create-api-token/create-api-token.command';
import type { CreateApiTokenResult } from '../../src/application/auth/create-api-token/create-api-token.handler';
import { CreateUserCommand } from '../../src/application/auth/create-user/create-user.command';
import type { CreateUserResult } from '../../src/application/auth/create-user/create-user.handler';
import type { JobHandler } from '../../src/application/ports/job-queue.port';
import { loadSettings, Settings } from '../../src/infrastructure/config/settings';
import type { LogTarget } from '../../src/infrastructure/logging/json-logger';
import { DATABASE } from '../../src/infrastructure/tokens';
import type { Database } from '../../src/infrastructure/sqlite/database';
import { createHttpApp } from '../../src/interfaces/http/create-http-app';
import { OpenApiResponseCheck } from './openapi-response-check';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  db: Database;
  dataDir: string;
  settings: Settings;
  /** The admin startTestApp created (sign in with these on /login). */
  admin: { id: string; email: string; password: string };
  /** The read-write API token `request()` sends by default, and the actor it records in events. */
  token: { id: string; secret: string; actor: string };
  /**
   * fetch against the app with JSON in and out, as the test admin's read-write API token
   * (`Authorization: Bearer …`). `{ anonymous: true }` sends no credentials; an explicit
   * `authorization` header replaces the default one.
   */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>, options?: { anonymous?: boolean }): Promise<TestResponse>;
  /** The same with another bearer token, or none (null). */
  requestAs(token: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  /** Signs the admin in through the login form: the session cookie header and the session's CSRF token. */
  login(): Promise<{ cookie: string; csrf: string }>;
  eventCount(): number;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  body: any;
  headers: Headers;
}

/**
 * The real HTTP app on a real SQLite file in a temp dir, listening on a free loopback port.
 * `jobHandlers`: none by default (jobs stay queued), your own, or 'real' for the production handlers
 * (SSH + Ansible). Made-up node addresses are never contacted: unless `remote` is true (implied by
 * 'real'), registration does not scan host keys and no periodic health checks are queued.
 */
export async function startTestApp(
  options: { jobHandlers?: JobHandler[] | 'real'; env?: Record<string, string>; remote?: boolean; logTarget?: LogTarget; dataDir?: string } = {},
): Promise<TestApp> {
  // A given data dir is a restart of an earlier app on the same database: it is kept on close.
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pressluft-test-'));
  const remote = options.remote ?? options.jobHandlers === 'real';
  const settings = loadSettings({
    PRESSLUFT_DATA_DIR: dataDir,
    PRESSLUFT_LOG_LEVEL: 'error',
    PRESSLUFT_HTTP_PORT: '0',
    PRESSLUFT_HOST_KEY_SCAN: remote ? 'on' : 'off',
    PRESSLUFT_HEALTH_CHECK_INTERVAL_MS: '0',
    // Backup schedule rounds run when a test calls BackupScheduler.tick(now), at the time it gives.
    PRESSLUFT_BACKUP_SCHEDULE_INTERVAL_MS: '0',
    ...options.env,
  });
  const jobHandlers = options.jobHandlers === 'real' ? undefined : (options.jobHandlers ?? []);
  const app = await createHttpApp({ settings, jobHandlers, logTarget: options.logTarget });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const db = app.get<Database>(DATABASE);
  const commands = app.get(CommandBus);
  // A restarted app's database already has the first admin and its setup commands: a new one each start.
  const restart = options.dataDir ? `-${Date.now()}` : '';
  const admin = { email: `admin${restart}@example.com`, password: 'correct horse battery staple' };
  const setupMeta = (actor: string, n: string) => ({ actor, commandId: `test-setup-${n}`, correlationId: 'test-setup' });
  const user = await commands.execute<CreateUserCommand, CreateUserResult>(new CreateUserCommand(admin.email, admin.password, setupMeta('system:test', `admin${restart}`)));
  const created = await commands.execute<CreateApiTokenCommand, CreateApiTokenResult>(
    new CreateApiTokenCommand('test-suite', 'write', setupMeta(`user:${user.userId}`, `token${restart}`)),
  );
  const token = { id: created.token.id, secret: created.secret as string, actor: `token:${created.token.id}` };
  async function send(authorization: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
    const response = await fetch(url + path, {
      method,
      headers: {
        ...(authorization === null ? {} : { authorization }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    (await responseCheck()).check(method, path, response.status, response.headers.get('content-type'), parsed);
    return { status: response.status, body: parsed, headers: response.headers };
  }
  // Every JSON answer under /api/v1 is checked against the app's own OpenAPI document (fetched once).
  let checker: Promise<OpenApiResponseCheck> | undefined;
  const responseCheck = () =>
    (checker ??= fetch(`${url}/api/docs/openapi.json`, { headers: { authorization: `Bearer ${token.secret}` } }).then(async (r) => new OpenApiResponseCheck((await r.json()) as ConstructorParameters<typeof OpenApiResponseCheck>[0])));
  return {
    admin: { id: user.userId, ...admin },
    token,
    app,
    url,
    db,
    dataDir,
    settings,
    request(method, path, body, headers = {}, options = {}) {
      return send(options.anonymous ? null : `Bearer ${token.secret}`, method, path, body, headers);
    },
    requestAs(bearer, method, path, body, headers) {
      return send(bearer === null ? null : `Bearer ${bearer}`, method, path, body, headers);
    },
    async login() {
      const page = await fetch(url + '/login');
      const loginCookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
      const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const res = await fetch(url + '/login', {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
        body: new URLSearchParams({ _csrf: loginCsrf, email: admin.email, password: admin.password }).toString(),
      });
      const setCookies = res.headers.getSetCookie();
      const cookie = (setCookies.find((c) => c.startsWith('pl_session=')) ?? '').split(';')[0];
      if (res.status !== 303 || !cookie) throw new Error(`login failed: ${res.status}`);
      const home = await fetch(url + '/', { headers: { cookie } });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await home.text())?.[1] ?? '';
      return { cookie, csrf };
    },
    eventCount: () => db.prepare('SELECT COUNT(*) FROM events').pluck().get() as number,
    async close() {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
