/**
 * PRESSLUFT_TRUST_PROXY on the real HTTP app (real SQLite, real sockets): with it on, X-Forwarded-Proto,
 * -Host and -For count only on connections from 127.0.0.1 (the local Nginx of install.sh --domain), so the
 * Origin check accepts the https origin, the session cookie is Secure and sign-ins are recorded and
 * throttled per real client; from any other address, and with the setting off, they are ignored.
 * A second loopback address (127.0.0.2, part of lo's 127/8) plays a client that is not the proxy.
 */
import { request as httpRequest } from 'node:http';
import { startTestApp, TestApp } from '../../support/test-app';

const PANEL = 'panel.example.com';

interface Reply {
  status: number;
  cookies: string[];
  body: string;
}

/** One HTTP request to the app from `from` (the client's source address) with the given headers. */
function send(t: TestApp, from: string, method: string, path: string, headers: Record<string, string>, form?: Record<string, string>): Promise<Reply> {
  const { port } = new URL(t.url);
  const body = form ? new URLSearchParams(form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: Number(port), localAddress: from, method, path, headers: { ...headers, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [], body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const cookie = (reply: Reply, name: string) => reply.cookies.find((c) => c.startsWith(`${name}=`)) ?? '';
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** What the proxy sends for a browser at `client` that opened https://panel.example.com. */
const proxied = (client: string) => ({ host: PANEL, 'x-forwarded-proto': 'https', 'x-forwarded-for': client, 'x-forwarded-host': PANEL });

/** Signs in through the login form and creates an API token through the CSRF-protected tokens form, all from `from`. */
async function signInAndAct(t: TestApp, from: string, headers: Record<string, string>) {
  const page = await send(t, from, 'GET', '/login', headers);
  const loginCookie = cookie(page, 'pl_login_csrf');
  const login = await send(t, from, 'POST', '/login', { ...headers, cookie: loginCookie.split(';')[0], origin: `https://${PANEL}` }, {
    _csrf: csrfOf(page.body),
    email: t.admin.email,
    password: t.admin.password,
  });
  const session = cookie(login, 'pl_session');
  const home = await send(t, from, 'GET', '/tokens', { ...headers, cookie: session.split(';')[0] });
  const action = await send(t, from, 'POST', '/tokens', { ...headers, cookie: session.split(';')[0], origin: `https://${PANEL}` }, {
    _csrf: csrfOf(home.body),
    name: `proxied-${Date.now()}`,
    scope: 'read',
  });
  return { loginCookie, login, session, action };
}

const lastLoginIp = (t: TestApp) =>
  JSON.parse(t.db.prepare("SELECT data FROM events WHERE type = 'UserLoggedIn' ORDER BY global_position DESC LIMIT 1").pluck().get() as string).ip;

describe('PRESSLUFT_TRUST_PROXY=on', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PRESSLUFT_TRUST_PROXY: 'on', PRESSLUFT_LOGIN_IP_ATTEMPTS: '2', PRESSLUFT_LOGIN_ACCOUNT_ATTEMPTS: '50', PRESSLUFT_LOGIN_DELAY_MS: '60000' } });
  });
  afterAll(() => t.close());

  it('through the proxy on 127.0.0.1: Secure cookies, the https origin passes the CSRF-protected form, the client address is recorded', async () => {
    const { loginCookie, login, session, action } = await signInAndAct(t, '127.0.0.1', proxied('203.0.113.7'));
    expect(loginCookie).toMatch(/; Secure$/);
    expect(login.status).toBe(303);
    expect(session).toMatch(/HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    expect(action.status).toBe(201);
    expect(action.body).toContain('pl_');
    expect(lastLoginIp(t)).toBe('203.0.113.7');
  });

  it('throttles sign-ins per real client: one client at its limit leaves another alone', async () => {
    const fail = async (client: string) => {
      const page = await send(t, '127.0.0.1', 'GET', '/login', proxied(client));
      return send(t, '127.0.0.1', 'POST', '/login', { ...proxied(client), cookie: cookie(page, 'pl_login_csrf').split(';')[0] }, {
        _csrf: csrfOf(page.body),
        email: t.admin.email,
        password: 'wrong password entirely',
      });
    };
    expect((await fail('198.51.100.1')).status).toBe(401);
    expect((await fail('198.51.100.1')).status).toBe(401);
    expect((await fail('198.51.100.1')).status).toBe(429);
    expect((await fail('198.51.100.2')).status).toBe(401);
    const throttled = t.db.prepare("SELECT data FROM events WHERE type = 'UserLoginThrottled'").pluck().all().map((d) => JSON.parse(d as string));
    expect(throttled).toEqual([expect.objectContaining({ ip: '198.51.100.1', limit: 'ip' })]);
  });

  it('from any other address the forwarded headers count for nothing: no Secure cookie, the https origin is refused', async () => {
    const { loginCookie, session, action } = await signInAndAct(t, '127.0.0.2', proxied('203.0.113.8'));
    expect(loginCookie).not.toContain('Secure');
    expect(session).not.toContain('Secure');
    expect(action.status).toBe(403);
    expect(action.body).toContain('CSRF_FAILED');
    expect(lastLoginIp(t)).toBe('127.0.0.2');
  });
});

describe('PRESSLUFT_TRUST_PROXY=off (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-* even from 127.0.0.1: no Secure cookie, the https origin is refused, the socket address is recorded', async () => {
    expect(t.settings.trustProxy).toBe(false);
    const { loginCookie, session, action } = await signInAndAct(t, '127.0.0.1', proxied('203.0.113.9'));
    expect(loginCookie).not.toContain('Secure');
    expect(session).not.toContain('Secure');
    expect(action.status).toBe(403);
    expect(action.body).toContain('CSRF_FAILED');
    expect(lastLoginIp(t)).toBe('127.0.0.1');
  });
});
