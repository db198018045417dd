import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

/** Server-rendered pages over real HTTP with a signed-in session (no browser): content, forms, SSE, exports, accessibility basics. */
describe('admin pages', () => {
  let t: TestApp;
  let session: { cookie: string; csrf: string };
  let nodeId: string;
  let siteId: string;
  let jobId: string;
  const provision = new ScriptedHandler('site.provision');
  const bootstrap = new ScriptedHandler('node.bootstrap').succeedWith({ facts: { os: 'debian-12' } });

  const get = (path: string) => fetch(t.url + path, { headers: { cookie: session.cookie, accept: 'text/html' } });
  const post = (path: string, fields: Record<string, string>) =>
    fetch(t.url + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
    });

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [provision, bootstrap] });
    session = await t.login();
    const node = await post('/nodes', { name: 'page-node', host: '10.20.0.1', port: '', user: '', hostKeyFingerprint: '' });
    expect(node.status).toBe(303);
    nodeId = /\/nodes\/([0-9a-z]+)/.exec(node.headers.get('location')!)![1];
    await pollUntil(async () => (await t.request('GET', `/api/v1/nodes/${nodeId}`)).body.status === 'ready', { timeoutMs: 10_000 });
    const site = await post('/sites', { name: 'Page Site', slug: '', nodeId, domain: 'page.example.com', adminEmail: 'a@example.com', phpVersion: '8.3' });
    expect(site.status).toBe(303);
    siteId = /\/sites\/([0-9a-z]+)/.exec(site.headers.get('location')!)![1];
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${siteId}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
    jobId = (await t.request('GET', `/api/v1/jobs?siteId=${siteId}`)).body.items[0].id;
  });
  afterAll(() => t.close());

  const pages = () => [
    '/',
    '/nodes',
    '/nodes/new',
    `/nodes/${nodeId}`,
    '/sites',
    '/sites?state=ACTIVE&search=page',
    '/sites/new',
    `/sites/${siteId}`,
    `/sites/${siteId}/timeline`,
    `/sites/${siteId}/delete`,
    '/jobs',
    `/jobs/${jobId}`,
    '/events',
    '/events?type=SiteCreated',
    '/events/1',
    '/events/verify',
    '/tokens',
    '/login',
  ];

  it('every page renders with a <title>, an <h1>, and a label for every input, select and textarea', async () => {
    for (const path of pages()) {
      const res = await get(path);
      const html = await res.text();
      // (A signed-in user asking for /login is redirected to the dashboard.)
      expect([path, res.status]).toEqual([path, 200]);
      expect([path, /<title>[^<]+ · Pressluft<\/title>/.test(html)]).toEqual([path, true]);
      expect([path, /<h1>[^<]+<\/h1>/.test(html)]).toEqual([path, true]);
      expect([path, unlabelledControls(html)]).toEqual([path, []]);
      expect(html).toContain('<html lang="en">');
    }
    const login = await (await fetch(t.url + '/login')).text();
    expect(unlabelledControls(login)).toEqual([]);
  });

  it('the dashboard shows nodes and sites at a glance and recent events', async () => {
    const html = await (await get('/')).text();
    expect(html).toContain('Recent events');
    expect(html).toMatch(/<h2>Sites<\/h2><p class="big"><a href="\/sites">1<\/a>/);
    expect(html).toContain('SiteProvisioned');
  });

  it('the node page shows status, facts, the host key and jobs; the site page shows environments, releases, history and every action', async () => {
    const node = await (await get(`/nodes/${nodeId}`)).text();
    expect(node).toContain('badge ok">ready');
    expect(node).toContain('debian-12');
    expect(node).toContain('Pinned host key');
    expect(node).toContain('node.bootstrap');
    const site = await (await get(`/sites/${siteId}`)).text();
    for (const text of ['production', 'page.example.com', 'release-1', 'SiteCreated', `action="/sites/${siteId}/deploy"`, `action="/sites/${siteId}/reset"`, `action="/sites/${siteId}/retry"`, `href="/sites/${siteId}/delete"`]) {
      expect(site).toContain(text);
    }
  });

  it('form errors appear next to the field with the values kept, and nothing is appended', async () => {
    const before = t.eventCount();
    const res = await post('/sites', { name: 'Bad <Site>', slug: 'X!', nodeId, domain: 'not a domain', adminEmail: 'nobody', phpVersion: '8.3' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/id="e-slug"[^>]*>slug must be/);
    expect(html).toContain('value="Bad &lt;Site&gt;"');
    expect(html).toContain('aria-invalid="true"');
    const node = await post('/nodes', { name: '', host: 'h', port: '99999' });
    expect(node.status).toBe(400);
    expect(await node.text()).toMatch(/id="e-port"/);
    const dup = await post('/sites', { name: 'Dup', nodeId, domain: 'page.example.com', adminEmail: 'a@example.com', phpVersion: '8.3' });
    expect(dup.status).toBe(409);
    expect(await dup.text()).toMatch(/id="e-domain"[^>]*>domain &quot;page.example.com&quot; is already served/);
    const del = await post(`/sites/${siteId}/delete`, { confirm: 'wrong' });
    expect(del.status).toBe(400);
    expect(await del.text()).toMatch(/id="e-confirm"/);
    const token = await post('/tokens', { name: '', scope: 'admin' });
    expect(token.status).toBe(400);
    const tokenHtml = await token.text();
    expect(tokenHtml).toMatch(/id="e-name"/);
    expect(tokenHtml).toMatch(/id="e-scope"/);
    const events = await get('/events?from=yesterday');
    expect(events.status).toBe(400);
    expect(t.eventCount()).toBe(before);
  });

  it('a CSRF-less form post is refused with 403 and appends nothing', async () => {
    const before = t.eventCount();
    const res = await fetch(t.url + '/nodes', {
      method: 'POST',
      headers: { cookie: session.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'no-csrf', host: '10.0.0.1' }).toString(),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('CSRF_FAILED');
    expect(t.eventCount()).toBe(before);
  });

  it('the sites list filters by state and search and pages with a cursor', async () => {
    for (let i = 0; i < 3; i++) await t.request('POST', '/api/v1/sites', { name: `Filler ${i}`, nodeId, domain: `filler${i}.example.com`, adminEmail: 'a@example.com' });
    const first = await (await get('/sites?limit=2')).text();
    const next = /href="(\/sites\?[^"]*cursor(?:=|&#x3D;)[^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    expect(next).toBeDefined();
    const second = await (await get(next!)).text();
    expect(second).toContain('Filler');
    const search = await (await get('/sites?search=filler1')).text();
    expect(search).toContain('Filler 1');
    expect(search).not.toContain('Page Site');
    const failed = await (await get('/sites?state=FAILED')).text();
    expect(failed).toContain('No sites match.');
  });

  it('the job log streams over SSE and resumes after Last-Event-ID', async () => {
    const full = await fetch(`${t.url}/api/v1/jobs/${jobId}/log`, { headers: { cookie: session.cookie } });
    expect(full.headers.get('content-type')).toContain('text/event-stream');
    const text = await full.text();
    const ids = [...text.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]);
    expect(ids).toEqual(['1', '2', '3']);
    expect(text).toMatch(/event: end\ndata: \{"state":"succeeded"\}/);
    const resumed = await (await fetch(`${t.url}/api/v1/jobs/${jobId}/log`, { headers: { authorization: `Bearer ${t.token.secret}`, 'last-event-id': '2' } })).text();
    expect([...resumed.matchAll(/^id: (\S+)$/gm)].map((m) => m[1])).toEqual(['3']);
    expect(resumed).toContain('JobSucceeded');
  });

  it('the live log of a running job arrives while it runs', async () => {
    provision.hold();
    try {
      const created = await t.request('POST', '/api/v1/sites', { name: 'Live Log', nodeId, domain: 'live.example.com', adminEmail: 'a@example.com' });
      const id = created.body.job.id as string;
      const controller = new AbortController();
      const res = await fetch(`${t.url}/api/v1/jobs/${id}/log`, { headers: { cookie: session.cookie }, signal: controller.signal });
      const reader = res.body!.getReader();
      let text = '';
      const readUntil = async (pattern: RegExp) => {
        while (!pattern.test(text)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      };
      await readUntil(/JobStarted/);
      expect(text).not.toContain('event: end');
      provision.release();
      await readUntil(/event: end/);
      expect(text).toContain('JobSucceeded');
      controller.abort();
    } finally {
      provision.release();
    }
  });

  it('the event inspector shows the JSON, the cause and the effects; exports the filtered view as JSON lines and CSV', async () => {
    const created = (await t.request('GET', `/api/v1/events?stream=site-${siteId}`)).body.items[0];
    const html = await (await get(`/events/${created.globalPosition}`)).text();
    expect(html).toContain('SiteCreated');
    expect(html).toContain('Caused by command');
    expect(html).toMatch(/<h2>Effects<\/h2>[\s\S]*JobQueued/);
    const queued = (await t.request('GET', `/api/v1/events?causationId=${created.eventId}`)).body.items[0];
    const effect = await (await get(`/events/${queued.globalPosition}`)).text();
    expect(effect).toMatch(/<h2>Cause<\/h2>[\s\S]*SiteCreated/);

    const jsonl = await get(`/events/export.jsonl?stream=site-${siteId}`);
    expect(jsonl.headers.get('content-disposition')).toContain('attachment');
    const lines = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.type)).toEqual(['SiteCreated', 'SiteProvisioned']);
    const csv = await (await get(`/events/export.csv?type=SiteCreated&actor=${encodeURIComponent(`user:${t.admin.id}`)}`)).text();
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe('globalPosition,eventId,streamId,streamVersion,type,schemaVersion,recordedAt,actor,correlationId,causationId,commandId,data,hash');
    expect(rows.slice(1).every((r) => r.includes(',SiteCreated,'))).toBe(true);
    expect(rows).toHaveLength(2);
    const verify = await (await get('/events/verify')).text();
    expect(verify).toMatch(/hash chain is intact: \d+ events checked/);
  });

  it('the tokens page shows a new token once and revokes it', async () => {
    const res = await post('/tokens', { name: 'page-token', scope: 'read' });
    expect(res.status).toBe(201);
    const html = await res.text();
    const secret = /id="new-token" class="secret" readonly value="([^"]+)"/.exec(html)![1];
    expect((await t.requestAs(secret, 'GET', '/api/v1/sites')).status).toBe(200);
    const list = await (await get('/tokens')).text();
    expect(list).not.toContain(secret);
    const id = /action="\/tokens\/([0-9a-z]+)\/revoke"[^>]*data-confirm="Revoke page-token/.exec(list)![1];
    expect((await post(`/tokens/${id}/revoke`, {})).status).toBe(303);
    expect((await t.requestAs(secret, 'GET', '/api/v1/sites')).status).toBe(401);
  });

  it('site actions go through the command bus and show refusals on the page', async () => {
    const retry = await post(`/sites/${siteId}/retry`, {});
    expect(retry.status).toBe(409);
    expect(await retry.text()).toContain('INVALID_STATE_TRANSITION');
    const deploy = await post(`/sites/${siteId}/deploy`, { env: 'production', type: 'wordpress', url: '', ref: '', version: '6.5' });
    expect(deploy.status).toBe(303);
    const badDeploy = await post(`/sites/${siteId}/deploy`, { env: 'production', type: 'ftp' });
    expect(badDeploy.status).toBe(400);
    expect(await badDeploy.text()).toMatch(/id="e-type"/);
  });
});

/** Inputs (not hidden), selects and textareas without a <label for=id> or an enclosing <label>. */
function unlabelledControls(html: string): string[] {
  const labelled = new Set([...html.matchAll(/<label[^>]*\bfor="([^"]+)"/g)].map((m) => m[1]));
  const bad: string[] = [];
  const re = /<(input|select|textarea)\b([^>]*)>/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const attrs = m[2];
    if (/type="hidden"/.test(attrs)) continue;
    const id = /\bid="([^"]+)"/.exec(attrs)?.[1];
    if (id && labelled.has(id)) continue;
    if (/aria-label="[^"]+"/.test(attrs)) continue;
    const before = html.slice(0, m.index);
    const open = before.lastIndexOf('<label');
    if (open > before.lastIndexOf('</label>')) continue;
    bad.push(m[0]);
  }
  return bad;
}
