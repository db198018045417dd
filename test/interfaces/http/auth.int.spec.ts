import { registeredRoutes } from '../../../src/interfaces/http/create-http-app';
import { PUBLIC_ROUTES } from '../../../src/interfaces/http/auth/install-auth';
import { startTestApp, TestApp } from '../../support/test-app';

/** Authentication: sessions, API tokens, CSRF, rate limiting, security headers, and every route's refusal of anonymous requests. */
describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

  async function loginForm(): Promise<{ cookie: string; csrf: string }> {
    const page = await fetch(t.url + '/login');
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    return { cookie, csrf };
  }

  describe('route table', () => {
    it('every registered route refuses an anonymous request with 401, except /login, /healthz and /static/*', async () => {
      const routes = registeredRoutes(t.app);
      expect(routes.length).toBeGreaterThan(40);
      // The pages, the API, the SSE log, the OpenAPI document and metrics are all in the table.
      for (const expected of ['GET /', 'GET /sites', 'POST /api/v1/sites', 'GET /api/v1/jobs/:id/log', 'GET /api/docs', 'GET /metrics', 'DELETE /api/v1/tokens/:id', 'GET /events/export.csv']) {
        expect(routes.map((r) => `${r.method} ${r.url}`)).toContain(expected);
      }
      const results: string[] = [];
      for (const route of routes) {
        if (route.method === 'OPTIONS') continue;
        const path = route.url.replace(/:[A-Za-z]+/g, '01abc').replace('*', 'app.css');
        for (const accept of ['application/json', 'text/html']) {
          const res = await fetch(t.url + path, {
            method: route.method,
            headers: { accept, ...(['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method) ? { 'content-type': 'application/json' } : {}) },
            body: ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method) ? '{}' : undefined,
          });
          await res.arrayBuffer();
          const isPublic = PUBLIC_ROUTES.includes(`${route.method} ${route.url}`);
          results.push(`${route.method} ${route.url} ${accept}: ${isPublic ? (res.status === 401 ? 'REFUSED PUBLIC' : 'public') : res.status === 401 ? '401' : `NOT REFUSED (${res.status})`}`);
        }
      }
      expect(results.filter((r) => /NOT REFUSED|REFUSED PUBLIC/.test(r))).toEqual([]);
      expect(results.filter((r) => r.endsWith('public')).length).toBeGreaterThanOrEqual(6);
    });

    it('an anonymous API request gets {code, message, details} and a WWW-Authenticate header; a page request gets the login page with 401', async () => {
      const api = await t.request('GET', '/api/v1/sites', undefined, {}, { anonymous: true });
      expect(api.status).toBe(401);
      expect(api.body).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String), details: {} });
      expect(api.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const page = await fetch(t.url + '/sites?state=ACTIVE', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(401);
      const html = await page.text();
      expect(html).toContain('<title>Sign in · Pressluft</title>');
      expect(html).toContain('name="next" value="/sites?state&#x3D;ACTIVE"');
    });

    it('unknown paths are 401 for anonymous callers (they reveal nothing) and 404 once authenticated', async () => {
      expect((await t.request('GET', '/api/v1/nothing-here', undefined, {}, { anonymous: true })).status).toBe(401);
      expect((await t.request('GET', '/api/v1/nothing-here')).status).toBe(404);
    });
  });

  describe('API tokens', () => {
    /** Token management is for signed-in users: the admin's session (cookie + CSRF header). */
    let session: { cookie: string; csrf: string };
    beforeAll(async () => {
      session = await t.login();
    });
    const asUser = (method: string, path: string, body?: unknown) =>
      t.requestAs(null, method, path, body, { cookie: session.cookie, 'x-csrf-token': session.csrf });

    it('POST /api/v1/tokens shows the secret once; GET lists without it; last use is recorded; DELETE revokes', async () => {
      const created = await asUser('POST', '/api/v1/tokens', { name: 'ci bot', scope: 'write' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        token: { id: expect.any(String), name: 'ci bot', scope: 'write', createdBy: `user:${t.admin.id}`, createdAt: expect.any(String), revokedAt: null, lastUsedAt: null, expiresAt: null },
        secret: expect.stringMatching(/^pl_[0-9a-z]+_[A-Za-z0-9_-]{43}$/),
      });
      const { id } = created.body.token;
      const secret = created.body.secret as string;
      const list = await asUser('GET', '/api/v1/tokens');
      expect(JSON.stringify(list.body)).not.toContain(secret.slice(-43));
      expect(list.body.items.find((x: { id: string }) => x.id === id)).toMatchObject({ name: 'ci bot', lastUsedAt: null });

      const node = await t.requestAs(secret, 'POST', '/api/v1/nodes', { name: 'tok-node', host: '10.9.0.1' });
      expect(node.status).toBe(202);
      const history = await t.request('GET', `/api/v1/nodes/${node.body.node.id}/events`);
      expect(history.body.events[0].metadata.actor).toBe(`token:${id}`);
      const used = (await asUser('GET', '/api/v1/tokens')).body.items.find((x: { id: string }) => x.id === id);
      expect(used.lastUsedAt).toEqual(expect.stringMatching(/^\d{4}-/));

      const revoked = await asUser('DELETE', `/api/v1/tokens/${id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.token).toMatchObject({ id, revokedAt: expect.any(String) });
      expect((await t.requestAs(secret, 'GET', '/api/v1/sites')).status).toBe(401);
      // Revoking again changes nothing.
      const before = t.eventCount();
      expect((await asUser('DELETE', `/api/v1/tokens/${id}`)).status).toBe(200);
      expect(t.eventCount()).toBe(before);
    });

    it('an API token, even a write token, gets 403 on every token route (API and page) and appends nothing', async () => {
      const before = t.eventCount();
      for (const [method, path, body] of [
        ['GET', '/api/v1/tokens', undefined],
        ['POST', '/api/v1/tokens', { name: 'successor', scope: 'write' }],
        ['DELETE', `/api/v1/tokens/${t.token.id}`, undefined],
        ['GET', '/tokens', undefined],
        ['POST', '/tokens', { name: 'successor', scope: 'write' }],
        ['POST', `/tokens/${t.token.id}/revoke`, {}],
      ] as const) {
        const res = await t.request(method, path, body);
        expect([method, path, res.status]).toEqual([method, path, 403]);
        if (path.startsWith('/api/')) expect(res.body).toEqual({ code: 'FORBIDDEN', message: expect.any(String), details: {} });
      }
      expect(t.eventCount()).toBe(before);
      expect((await t.request('GET', '/api/v1/sites')).status).toBe(200); // the token itself still works
    });

    it('a token can expire: expiresAt is set at creation, shown on the tokens page, and checked on every use', async () => {
      const created = await asUser('POST', '/api/v1/tokens', { name: 'short lived', scope: 'read', expiresInDays: 1 });
      expect(created.status).toBe(201);
      const expiresAt = Date.parse(created.body.token.expiresAt);
      expect(expiresAt - Date.now()).toBeGreaterThan(23 * 3_600_000);
      expect(expiresAt - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
      const secret = created.body.secret as string;
      expect((await t.requestAs(secret, 'GET', '/api/v1/sites')).status).toBe(200);
      const page = await (await fetch(t.url + '/tokens', { headers: { cookie: session.cookie } })).text();
      expect(page).toContain(created.body.token.expiresAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
      // A day passes: the stored expiry (set from the event) is now in the past.
      t.db.prepare('UPDATE rm_api_tokens SET expires_at = ? WHERE id = ?').run(new Date(Date.now() - 1000).toISOString(), created.body.token.id);
      const refused = await t.requestAs(secret, 'GET', '/api/v1/sites');
      expect([refused.status, refused.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(await (await fetch(t.url + '/tokens', { headers: { cookie: session.cookie } })).text()).toMatch(/expired \d{4}-/);
      for (const expiresInDays of [0, 3651, 1.5, 'soon']) {
        const bad = await asUser('POST', '/api/v1/tokens', { name: 'bad expiry', scope: 'read', expiresInDays });
        expect([expiresInDays, bad.status, bad.body.code]).toEqual([expiresInDays, 400, 'VALIDATION_FAILED']);
      }
    });

    it('a read-only token reads, and every mutation is 403 FORBIDDEN with nothing appended', async () => {
      const secret = (await asUser('POST', '/api/v1/tokens', { name: 'reader', scope: 'read' })).body.secret as string;
      expect((await t.requestAs(secret, 'GET', '/api/v1/sites')).status).toBe(200);
      const before = t.eventCount();
      for (const [method, path, body] of [
        ['POST', '/api/v1/nodes', { name: 'ro', host: '10.0.0.9' }],
        ['POST', '/api/v1/tokens', { name: 'escalate', scope: 'write' }],
        ['DELETE', `/api/v1/tokens/${t.token.id}`, undefined],
        ['POST', '/api/v1/jobs/abc/cancel', undefined],
      ] as const) {
        const res = await t.requestAs(secret, method, path, body);
        expect([path, res.status, res.body.code]).toEqual([path, 403, 'FORBIDDEN']);
      }
      expect(t.eventCount()).toBe(before);
    });

    it('bad input on the token endpoints is {code, message, details} and appends nothing', async () => {
      const before = t.eventCount();
      const cases: [string, string, unknown, number, string][] = [
        ['POST', '/api/v1/tokens', {}, 400, 'VALIDATION_FAILED'],
        ['POST', '/api/v1/tokens', { name: 'x', scope: 'admin' }, 400, 'VALIDATION_FAILED'],
        ['POST', '/api/v1/tokens', { name: '', scope: 'read' }, 400, 'VALIDATION_FAILED'],
        ['POST', '/api/v1/tokens', { name: 'x'.repeat(65), scope: 'read' }, 400, 'VALIDATION_FAILED'],
        ['POST', '/api/v1/tokens', { name: 'bad\nname', scope: 'read' }, 400, 'VALIDATION_FAILED'],
        ['POST', '/api/v1/tokens', { name: 'x', scope: 'read', secret: 'mine' }, 400, 'UNKNOWN_FIELD'],
        ['POST', '/api/v1/tokens', '{"name":', 400, 'MALFORMED_JSON'],
        ['GET', '/api/v1/tokens?limit=0', undefined, 400, 'VALIDATION_FAILED'],
        ['GET', '/api/v1/tokens?cursor=nope', undefined, 400, 'VALIDATION_FAILED'],
        ['DELETE', '/api/v1/tokens/NOT!AN!ID', undefined, 400, 'VALIDATION_FAILED'],
        ['DELETE', '/api/v1/tokens/nosuchtoken', undefined, 404, 'NOT_FOUND'],
        ['GET', '/api/v1/jobs/nosuchjob/log', undefined, 404, 'NOT_FOUND'],
        ['GET', '/api/v1/jobs/x/log?after=abc', undefined, 400, 'VALIDATION_FAILED'],
      ];
      for (const [method, path, body, status, code] of cases) {
        const res = path.startsWith('/api/v1/tokens') ? await asUser(method, path, body) : await t.request(method, path, body);
        expect([method, path, res.status, res.body]).toEqual([method, path, status, { code, message: expect.any(String), details: expect.any(Object) }]);
      }
      expect(t.eventCount()).toBe(before);
    });

    it('malformed, unknown and tampered bearer tokens are 401', async () => {
      for (const header of ['Bearer', 'Bearer nonsense', 'Basic YWRtaW46YWRtaW4=', `Bearer ${t.token.secret.slice(0, -1)}${t.token.secret.endsWith('A') ? 'B' : 'A'}`, `Bearer pl_nosuchid_${'A'.repeat(43)}`]) {
        const res = await fetch(t.url + '/api/v1/sites', { headers: { authorization: header } });
        expect([header, res.status]).toEqual([header, 401]);
      }
    });
  });

  describe('sessions and CSRF', () => {
    it('login sets an HttpOnly SameSite=Strict cookie; a state-changing request needs the CSRF token; events record the user', async () => {
      const { cookie, csrf } = await t.login();
      const page = await fetch(t.url + '/', { headers: { cookie } });
      expect(page.status).toBe(200);
      const before = t.eventCount();
      const noCsrf = await fetch(t.url + '/api/v1/nodes', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'csrf-1', host: '10.1.1.1' }) });
      expect(noCsrf.status).toBe(403);
      expect(await noCsrf.json()).toEqual({ code: 'CSRF_FAILED', message: expect.any(String), details: {} });
      const wrongCsrf = await fetch(t.url + '/nodes', { method: 'POST', headers: { cookie, ...FORM }, body: form({ _csrf: 'x'.repeat(43), name: 'csrf-2', host: '10.1.1.2' }) });
      expect(wrongCsrf.status).toBe(403);
      const crossOrigin = await fetch(t.url + '/nodes', { method: 'POST', headers: { cookie, ...FORM, origin: 'https://evil.example' }, body: form({ _csrf: csrf, name: 'csrf-3', host: '10.1.1.3' }) });
      expect(crossOrigin.status).toBe(403);
      expect(t.eventCount()).toBe(before);

      const ok = await fetch(t.url + '/api/v1/nodes', { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'csrf-ok', host: '10.1.1.4' }) });
      expect(ok.status).toBe(202);
      const nodeId = ((await ok.json()) as { node: { id: string } }).node.id;
      const history = await t.request('GET', `/api/v1/nodes/${nodeId}/events`);
      expect(history.body.events[0].metadata.actor).toBe(`user:${t.admin.id}`);
    });

    it('the session cookie is HttpOnly, SameSite=Strict, not Secure over plain http; login events carry no secret', async () => {
      const { cookie, csrf } = await loginForm();
      const res = await fetch(t.url + '/login', { method: 'POST', redirect: 'manual', headers: { cookie, ...FORM }, body: form({ _csrf: csrf, email: t.admin.email, password: t.admin.password, next: '/jobs' }) });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/jobs');
      const session = res.headers.getSetCookie().find((c) => c.startsWith('pl_session='))!;
      expect(session).toMatch(/; HttpOnly/);
      expect(session).toMatch(/; SameSite=Strict/);
      expect(session).not.toMatch(/Secure/);
      const secret = decodeURIComponent(session.split(';')[0].slice('pl_session='.length));
      const all = t.db.prepare('SELECT data || metadata FROM events').pluck().all().join('\n');
      expect(all).not.toContain(secret);
      expect(all).not.toContain(t.admin.password);
      expect(all).not.toContain(t.token.secret.slice(-43));
      expect(all).not.toMatch(/scrypt\$/);
    });

    it('an open redirect through next= is refused', async () => {
      const { cookie, csrf } = await loginForm();
      for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
        const res = await fetch(t.url + '/login', { method: 'POST', redirect: 'manual', headers: { cookie, ...FORM }, body: form({ _csrf: csrf, email: t.admin.email, password: t.admin.password, next }) });
        expect([next, res.headers.get('location')]).toEqual([next, '/']);
      }
    });

    it('logout revokes the session server-side (the old cookie no longer works)', async () => {
      const { cookie, csrf } = await t.login();
      expect((await fetch(t.url + '/api/v1/sites', { headers: { cookie } })).status).toBe(200);
      const out = await fetch(t.url + '/logout', { method: 'POST', redirect: 'manual', headers: { cookie, ...FORM }, body: form({ _csrf: csrf }) });
      expect(out.status).toBe(303);
      expect(out.headers.get('set-cookie')).toMatch(/pl_session=; .*Max-Age=0/);
      expect((await fetch(t.url + '/api/v1/sites', { headers: { cookie } })).status).toBe(401);
      const types = (await t.request('GET', `/api/v1/events/streams/user-${t.admin.id}`)).body.events.map((e: { type: string }) => e.type);
      expect(types).toContain('UserLoggedOut');
    });

    it('the login form needs its CSRF cookie, validates input, and answers a wrong password with a LoginFailed event', async () => {
      const before = t.eventCount();
      const noCookie = await fetch(t.url + '/login', { method: 'POST', headers: FORM, body: form({ _csrf: 'x', email: t.admin.email, password: t.admin.password }) });
      expect(noCookie.status).toBe(403);
      const { cookie, csrf } = await loginForm();
      const empty = await fetch(t.url + '/login', { method: 'POST', headers: { cookie, ...FORM }, body: form({ _csrf: csrf, email: '', password: '' }) });
      expect(empty.status).toBe(400);
      const html = await empty.text();
      expect(html).toMatch(/id="e-email"[^>]*>is required/);
      expect(html).toMatch(/id="e-password"[^>]*>is required/);
      const json = await fetch(t.url + '/login', { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ email: 1 }) });
      expect(json.status).toBe(400);
      expect(t.eventCount()).toBe(before);

      const wrong = await fetch(t.url + '/login', { method: 'POST', headers: { cookie, ...FORM }, body: form({ _csrf: csrf, email: t.admin.email, password: 'not the password' }) });
      expect(wrong.status).toBe(401);
      const wrongHtml = await wrong.text();
      expect(wrongHtml).toContain('INVALID_CREDENTIALS');
      expect(wrongHtml).toContain(`value="${t.admin.email}"`);
      const failed = (await t.request('GET', `/api/v1/events?type=UserLoginFailed`)).body.items;
      expect(failed.at(-1)).toMatchObject({ data: { userId: t.admin.id, reason: 'bad-password' }, metadata: { actor: 'anonymous' } });
    });
  });

  describe('rate limiting', () => {
    it('after 5 failures an account waits (429 with Retry-After at once, even with the right password); per IP after 20', async () => {
      // A long first wait keeps this deterministic on a slow machine; the real default is in login-throttle.int.spec.ts.
      const u = await startTestApp({ env: { PRESSLUFT_LOGIN_DELAY_MS: '600000' } });
      try {
        const { cookie, csrf } = await (async () => {
          const page = await fetch(u.url + '/login');
          return { cookie: (page.headers.get('set-cookie') ?? '').split(';')[0], csrf: /name="_csrf" value="([^"]+)"/.exec(await page.text())![1] };
        })();
        const attempt = (email: string, password: string) =>
          fetch(u.url + '/login', { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, email, password }).toString() });
        for (let i = 0; i < 5; i++) expect((await attempt(u.admin.email, 'wrong password ' + i)).status).toBe(401);
        const locked = await attempt(u.admin.email, u.admin.password);
        expect(locked.status).toBe(429);
        expect(Number(locked.headers.get('retry-after'))).toBe(60); // the account's wait is capped at one minute
        expect(await locked.text()).toContain('RATE_LIMITED');
        // Per IP: unknown accounts count too; 20 failures from one address make the address wait (the refused attempt above did not count).
        for (let i = 0; i < 15; i++) expect((await attempt(`nobody${i}@example.com`, 'x')).status).toBe(401);
        const ipWait = await attempt('nobody-else@example.com', 'x');
        expect(ipWait.status).toBe(429);
        expect(Number(ipWait.headers.get('retry-after'))).toBeGreaterThan(60);
      } finally {
        await u.close();
      }
    }, 180_000); // 20 scrypt verifications: slow on a loaded 2-core machine
  });

  describe('expiry', () => {
    it.each([
      ['idle time', { PRESSLUFT_SESSION_IDLE_MINUTES: '0' }],
      ['absolute lifetime', { PRESSLUFT_SESSION_MAX_HOURS: '0' }],
    ])('a session expires after the %s', async (_label, env) => {
      const idle = await startTestApp({ env });
      try {
        const { cookie, csrf } = await (async () => {
          const page = await fetch(idle.url + '/login');
          return { cookie: (page.headers.get('set-cookie') ?? '').split(';')[0], csrf: /name="_csrf" value="([^"]+)"/.exec(await page.text())![1] };
        })();
        const res = await fetch(idle.url + '/login', { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, email: idle.admin.email, password: idle.admin.password }).toString() });
        expect(res.status).toBe(303);
        const session = res.headers.getSetCookie().find((c) => c.startsWith('pl_session='))!.split(';')[0];
        await new Promise((r) => setTimeout(r, 20));
        const after = await fetch(idle.url + '/api/v1/sites', { headers: { cookie: session } });
        expect(after.status).toBe(401);
        expect(after.headers.get('set-cookie')).toMatch(/pl_session=; .*Max-Age=0/);
      } finally {
        await idle.close();
      }
    });
  });

  describe('security headers', () => {
    it('pages and API answers carry CSP without inline scripts, frame denial, nosniff and a referrer policy', async () => {
      const { cookie } = await t.login();
      for (const res of [await fetch(t.url + '/', { headers: { cookie } }), await fetch(t.url + '/login'), await fetch(t.url + '/api/v1/sites', { headers: { authorization: `Bearer ${t.token.secret}` } }), await fetch(t.url + '/static/app.css')]) {
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).toContain("frame-ancestors 'none'");
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('referrer-policy')).toBe('same-origin');
      }
    });
  });
});
