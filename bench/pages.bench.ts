/**
 * Admin pages: server time to render GET /sites?limit=100 (100 rows out of 10,000 sites, Handlebars,
 * signed-in session) against GET /api/v1/sites?limit=100 (the same rows as JSON, bearer token), both
 * through the real app (createHttpApp) in-process with app.inject, so only server time is measured.
 */
import { CommandBus } from '@nestjs/cqrs';
import { join } from 'node:path';
import { CreateApiTokenCommand } from '../src/application/auth/create-api-token/create-api-token.command';
import type { CreateApiTokenResult } from '../src/application/auth/create-api-token/create-api-token.handler';
import { CreateUserCommand } from '../src/application/auth/create-user/create-user.command';
import type { CreateUserResult } from '../src/application/auth/create-user/create-user.handler';
import { ALL_PROJECTIONS } from '../src/application/projections/all-projections';
import { loadSettings } from '../src/infrastructure/config/settings';
import { rebuildProjections } from '../src/infrastructure/event-store/projection-rebuilder';
import { createHttpApp } from '../src/interfaces/http/create-http-app';
import { openBenchDb, tempDir } from './support/env';
import { generateEventLog } from './support/event-log';
import type { BenchSection } from './support/report';
import { fmt, log, median, nowMs } from './support/timing';

const SITES = 10_000;
const ROUNDS = 300;

export async function run(): Promise<BenchSection> {
  const t0 = nowMs();
  const dir = tempDir('pages');
  const db = openBenchDb(join(dir, 'pressluft.db'), 'NORMAL');
  generateEventLog(db, { sites: SITES, deploysPerSite: 0 });
  rebuildProjections(db, ALL_PROJECTIONS);
  db.close();

  const settings = loadSettings({ PRESSLUFT_DATA_DIR: dir, PRESSLUFT_LOG_LEVEL: 'warn', PRESSLUFT_WORKER: 'off', PRESSLUFT_DB_SYNCHRONOUS: 'NORMAL' });
  const app = await createHttpApp({ settings });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  try {
    const commands = app.get(CommandBus);
    const meta = (actor: string, id: string) => ({ actor, commandId: `bench-${id}`, correlationId: 'bench' });
    const password = 'bench password 123';
    const user = await commands.execute<CreateUserCommand, CreateUserResult>(new CreateUserCommand('bench@example.com', password, meta('system:bench', 'user')));
    const token = await commands.execute<CreateApiTokenCommand, CreateApiTokenResult>(new CreateApiTokenCommand('bench', 'read', meta(`user:${user.userId}`, 'token')));
    const loginPage = await app.inject({ method: 'GET', url: '/login' });
    const loginCookie = String(loginPage.headers['set-cookie']).split(';')[0];
    const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(loginPage.body)![1];
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: loginCsrf, email: 'bench@example.com', password }).toString(),
    });
    const cookie = ([login.headers['set-cookie']].flat() as string[]).find((c) => c.startsWith('pl_session='))!.split(';')[0];

    const page = () => app.inject({ method: 'GET', url: '/sites?limit=100', headers: { cookie } });
    const api = () => app.inject({ method: 'GET', url: '/api/v1/sites?limit=100', headers: { authorization: `Bearer ${token.secret}` } });
    const first = await page();
    if (first.statusCode !== 200) throw new Error(`page: HTTP ${first.statusCode}`);
    const rows = (first.body.match(/<tr><td><a href="\/sites\//g) ?? []).length;
    const times: Record<'page' | 'api', number[]> = { page: [], api: [] };
    for (let i = 0; i < 50; i++) (await page(), await api()); // warm-up
    for (let i = 0; i < ROUNDS; i++) {
      for (const [name, fn] of [['page', page], ['api', api]] as const) {
        const start = nowMs();
        const res = await fn();
        times[name].push(nowMs() - start);
        if (res.statusCode !== 200) throw new Error(`${name}: HTTP ${res.statusCode}`);
      }
    }
    const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)];
    const pageMs = median(times.page);
    const apiMs = median(times.api);
    log(`pages: sites list ${fmt(pageMs, 2)} ms (API ${fmt(apiMs, 2)} ms), ${rows} rows, ${fmt(first.body.length)} bytes`);
    return {
      id: 'pages',
      title: 'e. Admin page: sites list, 100 rows of 10,000',
      setup: [
        `${fmt(SITES)} sites in rm_sites (rebuildProjections from a generated log), synchronous=NORMAL, worker off.`,
        `Product: GET /sites?limit=100 as a signed-in user (session cookie lookup, QueryBus → ListSitesHandler, Handlebars layout + partials), ${rows} rows, ${fmt(first.body.length)} bytes of HTML.`,
        'Baseline: GET /api/v1/sites?limit=100 with a bearer token (same query, JSON).',
        `In-process app.inject (no sockets), ${ROUNDS} alternating rounds after 50 warm-up rounds; figures are requests per second from the median server time.`,
      ],
      results: [
        {
          id: 'pages-sites-list',
          title: 'e. /sites?limit=100 page vs JSON API, 10k sites',
          unit: 'req/s',
          product: 1000 / pageMs,
          productLabel: 'HTML page',
          baseline: 1000 / apiMs,
          baselineLabel: 'JSON API',
          notes: [`median ${fmt(pageMs, 2)} ms (p99 ${fmt(p99(times.page), 2)} ms) page, ${fmt(apiMs, 2)} ms (p99 ${fmt(p99(times.api), 2)} ms) API`],
        },
      ],
      seconds: (nowMs() - t0) / 1000,
    };
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  void run().then((s) => console.log(JSON.stringify(s, null, 2)));
}
