import { freePort } from '../../support/local-sshd';
import { pollUntil } from '../../support/poll-until';
import { RemoteRunRows, result, task } from '../../support/remote-run-rows';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job's live log over SSE, read as it arrives: readUntil() reads until the text so far matches. */
async function openLiveLog(url: string, cookie: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { cookie }, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const live = {
    text: '',
    async readUntil(pattern: RegExp): Promise<void> {
      while (!pattern.test(live.text)) {
        const { value, done } = await reader.read();
        if (done) break;
        live.text += decoder.decode(value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
  return live;
}

/** The `line` events of an SSE body: id, source and text. */
function sseLines(text: string): { id: string; source: string; text: string; tone?: string }[] {
  return [...text.matchAll(/^id: (\S+)\nevent: line\ndata: (.+)$/gm)].map((m) => ({ id: m[1], ...(JSON.parse(m[2]) as { source: string; text: string; tone?: string }) }));
}

/** Server-rendered pages over real HTTP with a signed-in session (no browser): content, forms, SSE, exports, accessibility basics. */
describe('admin pages', () => {
  let t: TestApp;
  let session: { cookie: string; csrf: string };
  let nodeId: string;
  let siteId: string;
  let jobId: string;
  const provision = new ScriptedHandler('site.provision');
  const bootstrap = new ScriptedHandler('node.bootstrap').succeedWith({ facts: { os: 'debian-12' } });
  const health = new ScriptedHandler('node.health-check');

  const get = (path: string) => fetch(t.url + path, { headers: { cookie: session.cookie, accept: 'text/html' } });
  const post = (path: string, fields: Record<string, string>) =>
    fetch(t.url + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
    });

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [provision, bootstrap, health] });
    session = await t.login();
    const node = await post('/nodes', { name: 'page-node', host: '10.20.0.1', port: '', user: '', hostKeyFingerprint: '' });
    expect(node.status).toBe(303);
    nodeId = /\/nodes\/([0-9a-z]+)/.exec(node.headers.get('location')!)![1];
    await pollUntil(async () => (await t.request('GET', `/api/v1/nodes/${nodeId}`)).body.status === 'ready', { timeoutMs: 10_000 });
    const site = await post('/sites', { name: 'Page Site', slug: '', nodeId, domain: 'page.example.com', adminEmail: 'a@example.com', phpVersion: '8.3' });
    // The page right after the form shows the generated admin password, once (no redirect, not cached).
    expect(site.status).toBe(201);
    expect(site.headers.get('cache-control')).toBe('no-store');
    const created = await site.text();
    siteId = /href="\/sites\/([0-9a-z]+)\/timeline"/.exec(created)![1];
    const password = /class="secret-value">([A-Za-z0-9]{24})</.exec(created)![1];
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${siteId}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
    const again = await (await fetch(`${t.url}/sites/${siteId}`, { headers: { cookie: session.cookie } })).text();
    expect(again).not.toContain(password);
    expect(again).not.toContain('secret-value');
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
    expect(ids).toEqual(['1.0.0.0', '2.0.0.0', '3.0.0.0']);
    expect(text).toMatch(/event: end\ndata: \{"state":"succeeded"\}/);
    const resumed = await (await fetch(`${t.url}/api/v1/jobs/${jobId}/log`, { headers: { authorization: `Bearer ${t.token.secret}`, 'last-event-id': '2' } })).text();
    expect([...resumed.matchAll(/^id: (\S+)$/gm)].map((m) => m[1])).toEqual(['3.0.0.0']);
    expect(resumed).toContain('JobSucceeded');
  });

  it('the job log interleaves the worker lines and the Ansible task events of its runs, live, rendered and resumed after Last-Event-ID', async () => {
    health.hold();
    try {
      const queued = await t.request('POST', `/api/v1/nodes/${nodeId}/health-check`);
      expect(queued.status).toBe(202);
      const id = queued.body.job.id as string;
      const live = await openLiveLog(`${t.url}/api/v1/jobs/${id}/log`, session.cookie);
      await live.readUntil(/JobStarted/);

      const rows = new RemoteRunRows(t.db, id, nodeId, 'run-hc-1');
      const step = async (fn: () => void) => (fn(), await sleep(5));
      await step(() => rows.log('packaged health-check.yml'));
      await step(() => rows.start('health-check.yml').log(`launched health-check.yml as run ${rows.runId} (pid 42)`));
      await step(() =>
        rows.events(
          { event: 'playbook_start', task: null, host: null, changed: null, data: { playbook: 'health-check.yml' } },
          task('Check disk space'),
          // An ok result's msg and fields are never printed (they may hold values the task read).
          result('runner_on_ok', 'Check disk space', 'web-1', false, { msg: 'db_password=hunter2-secret', stdout: 'hunter2-secret' }),
        ),
      );
      // The runner echoes every event into job_log: with run events stored, the page shows them once.
      await step(() => rows.log('TASK Check disk space').log('  ok: web-1'));
      await live.readUntil(/ok: \[web-1\] Check disk space/);
      expect(live.text).not.toContain('event: end');
      await step(() =>
        rows.events(
          task('Write the sudoers file'),
          result('runner_on_failed', 'Write the sudoers file', 'web-1', false, { msg: 'censored', ignore_errors: true }),
          task('Restart php-fpm'),
          result('runner_on_ok', 'Restart php-fpm', 'web-1', true),
          task('Check the site answers'),
          result('runner_on_skipped', 'Check the site answers', 'web-1', false),
          task('Check nginx'),
          result('runner_on_failed', 'Check nginx', 'web-1', false, { msg: 'nginx: [emerg] unknown directive "x"' }),
          { event: 'unparsed', task: null, host: null, changed: null, data: { line: '{"vars": {"db_password": "hunter2-secret"' } },
          { event: 'playbook_on_stats', task: null, host: null, changed: null, data: { stats: { 'web-1': { ok: 2, changed: 1, failures: 1, unreachable: 0, skipped: 1 } } } },
        ),
      );
      await step(() => rows.log('RECAP web-1 ok=2 changed=1 failed=1 unreachable=0 skipped=1').finish('failed', 2, {}));
      await step(() => rows.log(`run ${rows.runId} failed with rc=2`));
      await live.readUntil(/run run-hc-1 failed with rc=2/);
      health.release();
      await live.readUntil(/event: end/);
      live.close();

      const full = await (await fetch(`${t.url}/api/v1/jobs/${id}/log`, { headers: { cookie: session.cookie } })).text();
      const lines = sseLines(full);
      expect(lines.map((l) => `${l.source}: ${l.text}`)).toEqual([
        expect.stringMatching(/^event: JobQueued/),
        expect.stringMatching(/^event: JobStarted/),
        'log: packaged health-check.yml',
        'log: launched health-check.yml as run run-hc-1 (pid 42)',
        'ansible: PLAY health-check.yml · run run-hc-1',
        'ansible: TASK [Check disk space]',
        'ansible: ok: [web-1] Check disk space',
        'ansible: TASK [Write the sudoers file]',
        'ansible: failed (ignored): [web-1] Write the sudoers file — censored',
        'ansible: TASK [Restart php-fpm]',
        'ansible: changed: [web-1] Restart php-fpm',
        'ansible: TASK [Check the site answers]',
        'ansible: skipped: [web-1] Check the site answers',
        'ansible: TASK [Check nginx]',
        'ansible: failed: [web-1] Check nginx — nginx: [emerg] unknown directive "x"',
        'ansible: RECAP web-1 ok=2 changed=1 failed=1 unreachable=0 skipped=1',
        'log: run run-hc-1 failed with rc=2',
        expect.stringMatching(/^event: JobSucceeded/),
      ]);
      expect(lines.find((l) => l.text.startsWith('failed: [web-1] Check nginx'))?.tone).toBe('failed');
      expect(full).not.toContain('hunter2');
      // The live stream sent the same lines with the same ids; the ids only grow.
      expect(sseLines(live.text).map((l) => l.id)).toEqual(lines.map((l) => l.id));
      for (let i = 1; i < lines.length; i++) {
        const [prev, next] = [lines[i - 1].id.split('.').map(Number), lines[i].id.split('.').map(Number)];
        expect([lines[i].id, next.every((n, k) => n >= prev[k]) && next.some((n, k) => n > prev[k])]).toEqual([lines[i].id, true]);
      }

      // A reconnect with Last-Event-ID continues after that line, across all three sources.
      const cut = lines.findIndex((l) => l.text === 'TASK [Restart php-fpm]');
      const resumed = await (await fetch(`${t.url}/api/v1/jobs/${id}/log`, { headers: { cookie: session.cookie, 'last-event-id': lines[cut].id } })).text();
      expect(sseLines(resumed)).toEqual(lines.slice(cut + 1));
      expect(resumed).toMatch(/event: end\ndata: \{"state":"succeeded"\}/);
      const atEnd = await (await fetch(`${t.url}/api/v1/jobs/${id}/log?after=${encodeURIComponent(lines[lines.length - 1].id)}`, { headers: { cookie: session.cookie } })).text();
      expect(sseLines(atEnd)).toEqual([]);
      expect(atEnd).toContain('event: end');

      // The job page renders the same lines (the browser resumes the stream after the last one).
      const page = await (await get(`/jobs/${id}`)).text();
      expect(page).toContain(`data-id="${lines[lines.length - 1].id}"`);
      expect(page).toMatch(/class="src-ansible failed">[^<]*<span class="when">[^<]*<\/span> failed: \[web-1\] Check nginx — nginx: \[emerg\] unknown directive &quot;x&quot;/);
      expect(page).toContain('changed: [web-1] Restart php-fpm');
      expect(page).not.toContain('hunter2');
    } finally {
      health.release();
    }
  });

  it('the live log of a running job arrives while it runs', async () => {
    provision.hold();
    try {
      const created = await t.request('POST', '/api/v1/sites', { name: 'Live Log', nodeId, domain: 'live.example.com', adminEmail: 'a@example.com' });
      const id = created.body.job.id as string;
      const live = await openLiveLog(`${t.url}/api/v1/jobs/${id}/log`, session.cookie);
      await live.readUntil(/JobStarted/);
      expect(live.text).not.toContain('event: end');
      provision.release();
      await live.readUntil(/event: end/);
      expect(live.text).toContain('JobSucceeded');
      live.close();
    } finally {
      provision.release();
    }
  });

  it('the register form shows the control plane public key and its fingerprint', async () => {
    const key = (await t.request('GET', '/api/v1/ssh/public-key')).body;
    const html = await (await get('/nodes/new')).text();
    expect(html).toMatch(/<label for="cp-public-key">/);
    expect(html).toContain(`>${key.publicKey}</textarea>`);
    expect(html).toContain(`<code id="cp-fingerprint">${key.fingerprint}</code>`);
    expect(key.publicKey).toMatch(/^ssh-ed25519 AAAA/);
  });

  it('the node page re-pins the host key with the actor recorded; errors next to the field, value kept', async () => {
    const given = 'SHA256:' + 'A'.repeat(43);
    const res = await post(`/nodes/${nodeId}/host-key`, { fingerprint: given });
    expect([res.status, res.headers.get('location')]).toEqual([303, `/nodes/${nodeId}?repinned=1`]);
    const pinned = (await t.request('GET', `/api/v1/nodes/${nodeId}/events`)).body.events.filter((e: { type: string }) => e.type === 'NodeHostKeyPinned').pop();
    expect(pinned).toMatchObject({ data: { nodeId, fingerprint: given }, metadata: { actor: `user:${t.admin.id}` } });
    const html = await (await get(`/nodes/${nodeId}?repinned=1`)).text();
    expect(html).toContain('Host key re-pinned.');
    expect(html).toMatch(new RegExp(`id="pinned-host-key"><code>${given.replace('+', '\\+')}</code>`));
    expect(html).toMatch(/<label for="f-fingerprint">/);

    const before = t.eventCount();
    const bad = await post(`/nodes/${nodeId}/host-key`, { fingerprint: 'MD5:<x>' });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/id="e-fingerprint"/);
    expect(badHtml).toContain('value="MD5:&lt;x&gt;"');
    expect(badHtml).toContain('aria-invalid="true"');
    expect(t.eventCount()).toBe(before);
  });

  it('"check health now" queues a node.health-check job; a host key mismatch is flagged on the node page until a re-pin', async () => {
    const presented = 'SHA256:' + 'B'.repeat(43);
    health.failWith('HOST_KEY_MISMATCH', 'the node presented another host key', false, { presentedFingerprint: presented });
    try {
      const res = await post(`/nodes/${nodeId}/health-check`, {});
      expect(res.status).toBe(303);
      const jobId = /^\/jobs\/([0-9a-z]+)\?done=Health%20check$/.exec(res.headers.get('location') ?? '')![1];
      const job = (await t.request('GET', `/api/v1/jobs/${jobId}`)).body;
      expect(job).toMatchObject({ kind: 'node.health-check', nodeId, actor: `user:${t.admin.id}` });
      expect(await (await get(res.headers.get('location')!)).text()).toContain('Health check requested.');
      await pollUntil(async () => (await t.request('GET', `/api/v1/nodes/${nodeId}`)).body.status === 'failed', { timeoutMs: 10_000 });
      const flagged = await (await get(`/nodes/${nodeId}`)).text();
      expect(flagged).toMatch(/<div class="alert danger-alert" role="alert" id="host-key-mismatch">/);
      expect(flagged).toContain(`<dt>Presented</dt><dd><code>${presented}</code></dd>`);
      expect(flagged).toContain('badge bad">mismatch');
      expect((await post(`/nodes/${nodeId}/host-key`, { fingerprint: presented })).status).toBe(303);
      const cleared = await (await get(`/nodes/${nodeId}`)).text();
      expect(cleared).not.toContain('id="host-key-mismatch"');
      expect(cleared).toContain('badge ok">ready');
    } finally {
      health.succeedWith({});
    }
  });

  it('the node actions refuse a post without the CSRF token and append nothing', async () => {
    const before = t.eventCount();
    for (const [path, fields] of [
      [`/nodes/${nodeId}/host-key`, { fingerprint: 'SHA256:' + 'C'.repeat(43) }],
      [`/nodes/${nodeId}/health-check`, {}],
      [`/nodes/${nodeId}/bootstrap`, {}],
    ] as const) {
      const res = await fetch(t.url + path, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: session.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect(t.eventCount()).toBe(before);
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

describe('node register form with host key scans', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ remote: true });
  });
  afterAll(() => t.close());

  it('shows a 502 NODE_UNREACHABLE from registration (host key scan failed) as a form error, values kept, nothing appended', async () => {
    const session = await t.login();
    const closed = await freePort();
    const before = t.eventCount();
    const res = await fetch(t.url + '/nodes', {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrf, name: 'nowhere-1', host: '127.0.0.1', port: String(closed), user: 'root', hostKeyFingerprint: '' }).toString(),
    });
    expect(res.status).toBe(502);
    const html = await res.text();
    expect(html).toMatch(/<div class="alert" role="alert"><strong>NODE_UNREACHABLE<\/strong> Could not reach the node to read its host key/);
    expect(html).toContain(`127.0.0.1:${closed}`);
    for (const value of ['nowhere-1', '127.0.0.1', String(closed), 'root']) expect(html).toContain(`value="${value}"`);
    expect(html).toContain('id="cp-public-key"');
    expect(t.eventCount()).toBe(before);
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

describe('site page: clone an environment and delete it', () => {
  let t: TestApp;
  let session: { cookie: string; csrf: string };
  let siteId: string;
  const provision = new ScriptedHandler('site.provision');
  const baseline = { takenAt: '2026-12-03T10:00:00.000Z', database: 's_clone_page', tables: [{ name: 'wp_posts', rows: 4, checksum: '77' }], uploads: { files: 2, bytes: 9, sha256: 'e'.repeat(64) } };
  const clone = new ScriptedHandler('site.clone').succeedWith({ releaseId: 'release-1', baseline });
  const removal = new ScriptedHandler('site.environment-delete');
  const page = async () => (await fetch(`${t.url}/sites/${siteId}`, { headers: { cookie: session.cookie, accept: 'text/html' } })).text();
  const post = (path: string, fields: Record<string, string>, csrf = true) =>
    fetch(t.url + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...(csrf ? { _csrf: session.csrf } : {}), ...fields }).toString(),
    });
  const siteState = async () => (await t.request('GET', `/api/v1/sites/${siteId}`)).body.state as string;

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [provision, clone, removal] });
    session = await t.login();
    const nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'clone-node', host: '10.20.0.2' })).body.node.id;
    siteId = (await t.request('POST', '/api/v1/sites', { name: 'Clone Page', slug: 'clone-page', nodeId, domain: 'clone-page.example.com', adminEmail: 'a@example.com' })).body.site.id;
    await pollUntil(async () => (await siteState()) === 'ACTIVE' || undefined, { timeoutMs: 10_000 });
  });
  afterAll(() => t.close());

  it('the clone form makes the environment (shown with its status, source and baseline); the delete button removes it; both need the CSRF token', async () => {
    const before = await page();
    expect(before).toContain(`action="/sites/${siteId}/environments"`);
    expect(before).not.toContain(`action="/sites/${siteId}/environments/production/delete"`); // production goes only with its site
    const count = t.eventCount();
    expect((await post(`/sites/${siteId}/environments`, { name: 'staging', sourceEnvironment: 'production', domain: 'staging.clone-page.example.com' }, false)).status).toBe(403);
    const bad = await post(`/sites/${siteId}/environments`, { name: 'Staging!', sourceEnvironment: 'production', domain: 'staging.clone-page.example.com' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('staging.clone-page.example.com'); // the values are kept
    const taken = await post(`/sites/${siteId}/environments`, { name: 'staging', sourceEnvironment: 'production', domain: 'clone-page.example.com' });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toMatch(/id="e-domain">domain &quot;clone-page.example.com&quot; is already served by environment production/);
    expect(t.eventCount()).toBe(count);

    const ok = await post(`/sites/${siteId}/environments`, { name: 'staging', sourceEnvironment: 'production', domain: 'staging.clone-page.example.com' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/sites/${siteId}?done=Clone`);
    await pollUntil(async () => (await siteState()) === 'ACTIVE' || undefined, { timeoutMs: 10_000 });
    const cloned = await page();
    expect(cloned).toMatch(/<td>staging<\/td><td>active<\/td>/);
    expect(cloned).toContain('1 tables, 2 uploads');
    expect(cloned).toContain(`action="/sites/${siteId}/environments/staging/delete"`);
    const history = (await t.request('GET', `/api/v1/sites/${siteId}/events`)).body.events as { type: string; metadata: { actor: string } }[];
    expect(history.find((e) => e.type === 'EnvironmentCloneRequested')?.metadata.actor).toMatch(/^user:/);

    // The promotion form of the clone: refusals before any drift check runs (no event, no job).
    expect(cloned).toContain(`action="/sites/${siteId}/environments/staging/promote"`);
    const before2 = t.eventCount();
    expect((await post(`/sites/${siteId}/environments/staging/promote`, { target: 'production', preset: 'content-protect', action: 'check' }, false)).status).toBe(403);
    const badPreset = await post(`/sites/${siteId}/environments/staging/promote`, { target: 'production', preset: 'everything', action: 'check' });
    expect(badPreset.status).toBe(400);
    // this clone's baseline (scripted above) has no table prefix: the kind an older Pressluft recorded
    const outdated = await post(`/sites/${siteId}/environments/staging/promote`, { target: 'production', preset: 'content-protect', action: 'promote' });
    expect(outdated.status).toBe(422);
    expect(await outdated.text()).toContain('BASELINE_OUTDATED');
    expect(t.eventCount()).toBe(before2);

    expect((await post(`/sites/${siteId}/environments/staging/delete`, {}, false)).status).toBe(403);
    const refused = await post(`/sites/${siteId}/environments/production/delete`, {});
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('PRODUCTION_NOT_DELETABLE');
    const del = await post(`/sites/${siteId}/environments/staging/delete`, {});
    expect(del.status).toBe(303);
    await pollUntil(async () => ((await t.request('GET', `/api/v1/sites/${siteId}`)).body.environments.length === 1 ? true : undefined), { timeoutMs: 10_000 });
    expect(await page()).not.toContain(`/environments/staging/delete`);
  });
});
