import fc from 'fast-check';
import { ERROR_CODES } from '../../../src/domain/common/error-codes';
import { registeredRoutes } from '../../../src/interfaces/http/create-http-app';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * Issue 13.8: every route the app registered (read from Fastify's route table, so routes added later
 * are covered without touching this file) gets generated bad input: path parameters, query strings and
 * bodies (JSON for the API, form fields for the pages). Never a 5xx; an API error is always
 * {code, message, details} with a registered code; a refused request appends no event. Bad values
 * carry a NUL character, a type mismatch or an oversized string, so no mutation may succeed.
 */
describe('bad input on every route (property-based)', () => {
  let t: TestApp;
  let session: { cookie: string; csrf: string };
  beforeAll(async () => {
    t = await startTestApp();
    session = await t.login();
  });
  afterAll(() => t.close());

  const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
  /** Routes that take no input at all (nothing to make bad): signing out would end the fuzzing session. */
  const NO_INPUT = new Set(['POST /logout']);

  const badString = fc.oneof(
    fc.string({ maxLength: 40 }).map((s) => `${s}\u0000`),
    fc.string({ minLength: 1, maxLength: 8 }).map((s) => s.repeat(600).slice(0, 5000) + '\u0000'),
    fc.constantFrom('$(id)\u0000', '../../etc/passwd\u0000', '<script>\u0000', "' OR 1=1 --\u0000", '%00\u0000'),
  );
  const badValue: fc.Arbitrary<unknown> = fc.oneof(
    badString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(badString, fc.integer()), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), badString, { maxKeys: 3 }),
  );
  const fieldName = fc.oneof(fc.constantFrom('name', 'host', 'port', 'user', 'scope', 'email', 'password', 'domain', 'slug', 'nodeId', 'source', 'reason', 'fingerprint', 'expiresInDays', 'limit', 'cursor', 'after', 'state', 'type', 'stream'), fc.string({ maxLength: 12 }));
  const badBody = fc.oneof(
    fc.dictionary(fieldName, badValue, { minKeys: 1, maxKeys: 6 }).map((o) => ({ kind: 'object' as const, value: o })),
    fc.oneof(fc.constant('{'), fc.constant('[1,'), fc.string({ maxLength: 30 }).map((s) => `{"a":${s}`)).map((raw) => ({ kind: 'raw' as const, value: raw })),
    badValue.map((v) => ({ kind: 'json' as const, value: v })),
  );
  const badQuery = fc.dictionary(fieldName, badString, { maxKeys: 3 });
  const badParam = fc.oneof(badString, fc.constantFrom('0', 'zz', 'NOT-AN-ID', 'a'.repeat(200), 'nosuchthing'));

  function pathOf(url: string, params: string[]): string {
    let i = 0;
    return url.replace(/:[A-Za-z]+/g, () => encodeURIComponent(params[i++ % params.length])).replace('*', encodeURIComponent(params[0]));
  }

  function toForm(value: unknown): string {
    const form = new URLSearchParams({ _csrf: session.csrf });
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    } else form.append('value', JSON.stringify(value));
    return form.toString();
  }

  it('never answers 5xx, always {code, message, details} on API errors, and a refused request appends nothing', async () => {
    const routes = registeredRoutes(t.app).filter((r) => r.method !== 'OPTIONS' && r.method !== 'HEAD' && !NO_INPUT.has(`${r.method} ${r.url}`));
    expect(routes.length).toBeGreaterThan(40);
    const findings: string[] = [];
    let requests = 0;
    for (const route of routes) {
      const api = route.url.startsWith('/api/') || route.url === '/healthz' || route.url === '/metrics';
      await fc.assert(
        fc.asyncProperty(fc.array(badParam, { minLength: 1, maxLength: 3 }), badQuery, badBody, fc.boolean(), async (params, query, body, asToken) => {
          const search = new URLSearchParams(query).toString();
          const path = pathOf(route.url, params) + (search ? `?${search}` : '');
          const mutating = MUTATING.has(route.method);
          const headers: Record<string, string> = api && asToken ? { authorization: `Bearer ${t.token.secret}` } : { cookie: session.cookie, 'x-csrf-token': session.csrf };
          let payload: string | undefined;
          if (mutating) {
            if (api) {
              headers['content-type'] = 'application/json';
              payload = body.kind === 'raw' ? body.value : JSON.stringify(body.value);
            } else {
              headers['content-type'] = 'application/x-www-form-urlencoded';
              payload = toForm(body.value);
            }
          }
          const before = t.eventCount();
          const res = await fetch(t.url + path, { method: route.method, headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(20_000) });
          const text = await res.text();
          requests++;
          const where = `${route.method} ${route.url} -> ${route.method} ${path.slice(0, 120)} ${res.status}`;
          if (res.status >= 500) findings.push(`${where}: server error ${text.slice(0, 200)}`);
          if (res.status >= 400 && api) {
            let parsed: { code?: string; message?: unknown; details?: unknown } | null = null;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* not JSON */
            }
            const shaped = parsed !== null && typeof parsed.code === 'string' && parsed.code in ERROR_CODES && typeof parsed.message === 'string' && typeof parsed.details === 'object' && parsed.details !== null;
            if (!shaped) findings.push(`${where}: not {code, message, details}: ${text.slice(0, 200)}`);
          }
          const appended = t.eventCount() - before;
          if (res.status >= 400 && appended > 0 && !(route.url === '/login' && res.status === 429)) findings.push(`${where}: refused but appended ${appended} event(s)`);
          if (mutating && res.status < 400) findings.push(`${where}: bad input accepted`);
          return true;
        }),
        { numRuns: 12, seed: 1313, endOnFailure: true },
      );
    }
    expect(findings).toEqual([]);
    expect(requests).toBe(routes.length * 12);
  }, 600_000);
});
