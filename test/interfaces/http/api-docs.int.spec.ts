/**
 * The API reference: Swagger UI at /api/docs for a browser (assets served by the app, under the page
 * CSP), the OpenAPI document at /api/docs/openapi.json and at /api/docs for JSON clients, and every
 * API route the app registers described in it (routes are enumerated from Fastify, so a new route
 * without a description fails here).
 */
import { registeredRoutes } from '../../../src/interfaces/http/create-http-app';
import { OTHER_SUCCESS_RESPONSES } from '../../../src/interfaces/http/openapi-responses';
import { OpenApiResponseCheck } from '../../support/openapi-response-check';
import { startTestApp, TestApp } from '../../support/test-app';

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; requestBody?: { content: Record<string, { schema?: unknown }> } };

describe('API reference (/api/docs)', () => {
  let t: TestApp;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.request('GET', '/api/docs/openapi.json')).body;
  });
  afterAll(() => t.close());

  it('every API route the app registers is in the document, with a success answer and its error answers', () => {
    const api = registeredRoutes(t.app).filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD');
    expect(api.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const route of api) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      if (!op) {
        missing.push(`${route.method} ${route.url}`);
        continue;
      }
      const codes = Object.keys(op.responses);
      const success = codes.filter((c) => /^2\d\d$/.test(c));
      // One success answer, plus the few routes with a second one (a promotion's dry run answers 200, not 202).
      const others = Object.keys(OTHER_SUCCESS_RESPONSES[`${route.method} ${path}`] ?? {});
      expect([route.method, route.url, success.length]).toEqual([route.method, route.url, 1 + others.length]);
      // Each success answer has a schema (the job log is a text/event-stream, described as such).
      for (const code of success) {
        const content = op.responses[code].content ?? {};
        const described = content['application/json']?.schema ?? (route.url.endsWith('/log') ? content['text/event-stream']?.schema : undefined);
        expect([route.method, route.url, code, described]).toEqual([route.method, route.url, code, expect.anything()]);
      }
      expect(op.responses['401']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/ApiError' });
      if (path.includes('{')) expect([route.url, codes]).toEqual([route.url, expect.arrayContaining(['404'])]);
      if (route.method !== 'GET') expect([route.url, codes]).toEqual([route.url, expect.arrayContaining(['403', '409'])]);
      if (op.requestBody) expect(op.requestBody.content['application/json']?.schema).toBeDefined();
    }
    expect(missing).toEqual([]);
    expect(doc.components.schemas.ApiError).toMatchObject({ required: ['code', 'message', 'details'] });
  });

  it('answers are checked against these schemas: an undocumented field, a wrong type or a missing property fails', async () => {
    const check = new OpenApiResponseCheck(doc as never);
    const site = (await t.request('GET', '/api/v1/sites')).body;
    expect(site).toEqual({ items: [], next: null });
    const whoami = (await t.request('GET', '/api/v1/whoami')).body;
    expect(() => check.check('GET', '/api/v1/whoami', 200, 'application/json', whoami)).not.toThrow();
    expect(() => check.check('GET', '/api/v1/whoami', 200, 'application/json', { ...whoami, secret: 'x' })).toThrow(/additional properties/);
    expect(() => check.check('GET', '/api/v1/whoami', 200, 'application/json', { ...whoami, scope: 'root' })).toThrow(/allowed values/);
    const { actor: _actor, ...withoutActor } = whoami;
    expect(() => check.check('GET', '/api/v1/whoami', 200, 'application/json', withoutActor)).toThrow(/required property 'actor'/);
    expect(() => check.check('GET', '/api/v1/sites/01abc', 200, 'application/json', { id: '01abc' })).toThrow(/GET \/api\/v1\/sites\/\{id\} 200/);
    expect(() => check.check('GET', '/api/v1/nowhere', 200, 'application/json', {})).toThrow(/no such route/);
  });

  it('request bodies of the mutations that take one are described by their DTO schema', () => {
    for (const [path, method] of [
      ['/api/v1/nodes', 'post'],
      ['/api/v1/sites', 'post'],
      ['/api/v1/tokens', 'post'],
    ] as const) {
      expect([path, doc.paths[path][method].requestBody?.content['application/json']?.schema]).toEqual([path, { $ref: expect.stringMatching(/^#\/components\/schemas\//) }]);
    }
  });

  it('/api/docs answers JSON to a JSON client and the Swagger UI page to a browser, assets from the app itself', async () => {
    const json = await t.request('GET', '/api/docs', undefined, { accept: 'application/json' });
    expect(json.body.openapi).toMatch(/^3\./);
    const page = await t.request('GET', '/api/docs', undefined, { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = String(page.body);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(['/static/favicon.svg', '/api/docs/assets/swagger-ui.css', '/api/docs/assets/swagger-ui-bundle.js', '/static/api-docs.js']);
    expect(html).not.toMatch(/<script>|<style>|style="/); // nothing inline: the CSP allows 'self' only
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const asset of sources) {
      const res = await t.request('GET', asset);
      expect([asset, res.status]).toEqual([asset, 200]);
    }
    expect((await t.request('GET', '/api/docs/assets/index.html')).status).toBe(404);
    expect((await t.request('GET', '/api/docs', undefined, { accept: 'text/html' }, { anonymous: true })).status).toBe(401);
  });
});
