import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

/** The sites API over real HTTP on a real SQLite file, with the real worker running scripted node-side handlers. */
describe('sites API', () => {
  let t: TestApp;
  const provision = new ScriptedHandler('site.provision');
  const deploy = new ScriptedHandler('site.deploy');
  let nodeId: string;

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [provision, deploy], env: { PRESSLUFT_UPLOAD_MAX_BYTES: '1024' } });
    const res = await t.request('POST', '/api/v1/nodes', { name: 'web-1', host: '10.254.1.2' });
    nodeId = res.body.node.id;
  });
  afterAll(() => t.close());

  let counter = 0;
  const newSite = (overrides: Record<string, unknown> = {}) => ({
    name: `Site ${++counter}`,
    nodeId,
    domain: `site${counter}.example.com`,
    adminEmail: 'admin@example.com',
    ...overrides,
  });

  async function activeSite(): Promise<string> {
    const res = await t.request('POST', '/api/v1/sites', newSite());
    expect(res.status).toBe(202);
    const id = res.body.site.id as string;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', {
      timeoutMs: 10_000,
      description: 'site ACTIVE',
    });
    return id;
  }

  it('creates a site: 202 with the site and its provisioning job, then ACTIVE once the job succeeds', async () => {
    const res = await t.request('POST', '/api/v1/sites', newSite({ name: 'Acme Blog', slug: 'acme-blog' }));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      site: { id: expect.any(String), slug: 'acme-blog', state: 'PROVISIONING', version: 1 },
      job: { id: expect.any(String), kind: 'site.provision' },
      admin: { user: 'admin', email: 'admin@example.com', password: expect.stringMatching(/^[A-Za-z0-9]{24}$/) },
    });
    const { id } = res.body.site;
    const password = res.body.admin.password as string;
    // Shown once: not in the site, its events, or the job.
    expect(JSON.stringify((await t.request('GET', `/api/v1/sites/${id}`)).body)).not.toContain(password);
    const site = await pollUntil(
      async () => {
        const r = await t.request('GET', `/api/v1/sites/${id}`);
        return r.body.state === 'ACTIVE' ? r : undefined;
      },
      { timeoutMs: 10_000 },
    );
    expect(site.headers.get('etag')).toBe('"2"');
    expect(site.body.environments).toEqual([
      expect.objectContaining({ name: 'production', envSlug: 'acme-blog', nodeId, domains: [expect.stringMatching(/example\.com$/)], currentReleaseId: 'release-1' }),
    ]);
    const job = await t.request('GET', `/api/v1/jobs/${res.body.job.id}`);
    expect(job.body).toMatchObject({ state: 'succeeded', kind: 'site.provision', attempt: 1, siteId: id });
    const jobHistory = await t.request('GET', `/api/v1/jobs/${res.body.job.id}/events`);
    expect(jobHistory.body.events.map((e: { type: string }) => e.type)).toEqual(['JobQueued', 'JobStarted', 'JobSucceeded']);
    const history = await t.request('GET', `/api/v1/sites/${id}/events`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['SiteCreated', 'SiteProvisioned']);
    expect(history.body.events[1].metadata).toMatchObject({ actor: 'system:worker', correlationId: history.body.events[0].metadata.correlationId });
    expect(JSON.stringify(history.body)).not.toContain(password);
    expect(JSON.stringify((await t.request('GET', `/api/v1/jobs/${res.body.job.id}/events`)).body)).not.toContain(password);
  });

  it('a repeated create (same Idempotency-Key) returns the same site without the password again', async () => {
    const headers = { 'idempotency-key': 'create-password-once' };
    const body = newSite({ name: 'Once Only', slug: 'once-only' });
    const first = await t.request('POST', '/api/v1/sites', body, headers);
    expect(first.status).toBe(202);
    expect(first.body.admin.password).toEqual(expect.any(String));
    const again = await t.request('POST', '/api/v1/sites', body, headers);
    expect(again.status).toBe(202);
    expect(again.body.site.id).toBe(first.body.site.id);
    expect(again.body.admin.password).toBeNull();
  });

  it('50 concurrent deploy requests on one site: exactly one accepted, the rest 409, exactly one job', async () => {
    const id = await activeSite();
    deploy.hold();
    try {
      const before = t.eventCount();
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          t.request('POST', `/api/v1/sites/${id}/environments/production/deployments`, { source: { type: 'wordpress', version: '6.1' } }),
        ),
      );
      const accepted = responses.filter((r) => r.status === 202);
      const refused = responses.filter((r) => r.status === 409);
      expect(accepted).toHaveLength(1);
      expect(refused).toHaveLength(49);
      expect(new Set(refused.map((r) => r.body.code))).toEqual(new Set(['SITE_BUSY']));
      const jobs = await t.request('GET', `/api/v1/jobs?siteId=${id}&kind=site.deploy`);
      expect(jobs.body.items).toHaveLength(1);
      await pollUntil(() => deploy.started.includes(jobs.body.items[0].id), { timeoutMs: 10_000 });
      // The one accepted request and its job starting: nothing was appended by the 49 refusals.
      const appended = t.db.prepare('SELECT type FROM events WHERE global_position > ? ORDER BY global_position').pluck().all(before);
      expect(appended).toEqual(['DeployRequested', 'JobQueued', 'JobStarted']);
      expect((await t.request('GET', `/api/v1/sites/${id}`)).body.state).toBe('DEPLOYING');
    } finally {
      deploy.release();
    }
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
  });

  it('If-Match: a stale version is refused with 412 and appends nothing; the current one is accepted', async () => {
    const id = await activeSite();
    const before = t.eventCount();
    const stale = await t.request('POST', `/api/v1/sites/${id}/environments/production/deployments`, { source: { type: 'wordpress' } }, { 'If-Match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    expect(t.eventCount()).toBe(before);
    const bad = await t.request('POST', `/api/v1/sites/${id}/environments/production/deployments`, { source: { type: 'wordpress' } }, { 'If-Match': 'banana' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_IF_MATCH');
    const etag = (await t.request('GET', `/api/v1/sites/${id}`)).headers.get('etag')!;
    const ok = await t.request('POST', `/api/v1/sites/${id}/environments/production/deployments`, { source: { type: 'wordpress' } }, { 'If-Match': etag });
    expect(ok.status).toBe(202);
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
  });

  it('a repeated Idempotency-Key returns the first result and appends nothing', async () => {
    const body = newSite();
    const first = await t.request('POST', '/api/v1/sites', body, { 'Idempotency-Key': 'create-once-1' });
    const count = t.eventCount();
    const again = await t.request('POST', '/api/v1/sites', body, { 'Idempotency-Key': 'create-once-1' });
    expect(again.status).toBe(202);
    expect(again.body.site.id).toBe(first.body.site.id);
    expect(again.body.job.id).toBe(first.body.job.id);
    expect(t.eventCount()).toBe(count);
  });

  describe('bad input gets a clear error and changes nothing', () => {
    const cases: [string, unknown, number, string][] = [
      ['missing fields', { name: 'x' }, 400, 'VALIDATION_FAILED'],
      ['an unknown field', { ...newSite(), evil: 1 }, 400, 'UNKNOWN_FIELD'],
      ['a wrong type', { ...newSite(), name: 42 }, 400, 'VALIDATION_FAILED'],
      ['a slug with a shell metacharacter', { ...newSite(), slug: 'a;rm -rf' }, 400, 'VALIDATION_FAILED'],
      ['a domain with a command substitution', { ...newSite(), domain: '$(id).example.com' }, 400, 'VALIDATION_FAILED'],
      ['a domain with a newline', { ...newSite(), domain: 'a.example.com\nb' }, 400, 'VALIDATION_FAILED'],
      ['a domain with backticks', { ...newSite(), domain: '`id`.example.com' }, 400, 'VALIDATION_FAILED'],
      ['a name with control characters', { ...newSite(), name: 'a\u0000b' }, 400, 'VALIDATION_FAILED'],
      ['a bad email', { ...newSite(), adminEmail: 'not-an-email' }, 400, 'VALIDATION_FAILED'],
      ['an unsupported PHP version', { ...newSite(), phpVersion: '5.6' }, 400, 'VALIDATION_FAILED'],
      ['an unknown node', { ...newSite(), nodeId: 'nosuchnode' }, 404, 'NOT_FOUND'],
      ['malformed JSON', '{"name": ', 400, 'MALFORMED_JSON'],
      ['an oversized body', { ...newSite(), name: 'x'.repeat(70_000) }, 413, 'PAYLOAD_TOO_LARGE'],
    ];
    it.each(cases)('POST /sites with %s', async (_label, body, status, code) => {
      const before = t.eventCount();
      const res = await t.request('POST', '/api/v1/sites', body);
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ code, message: expect.any(String), details: expect.any(Object) });
      expect(t.eventCount()).toBe(before);
    });

    it("POST /sites with a slug longer than the node's names allow (s-<slug> over 32 chars): 422, nothing appended", async () => {
      const before = t.eventCount();
      const res = await t.request('POST', '/api/v1/sites', { ...newSite(), slug: `a${'b'.repeat(30)}` });
      expect([res.status, res.body.code, res.body.details]).toEqual([
        422,
        'ENVIRONMENT_SLUG_TOO_LONG',
        expect.objectContaining({ rule: 'environment-slug-must-fit-node-names', field: 'slug', maxLength: 30 }),
      ]);
      expect(t.eventCount()).toBe(before);
      const fits = await t.request('POST', '/api/v1/sites', { ...newSite(), slug: `a${'b'.repeat(29)}` });
      expect(fits.status).toBe(202);
    });

    it('POST /sites with a slug or domain already in use: 409 DUPLICATE', async () => {
      const body = newSite();
      await t.request('POST', '/api/v1/sites', { ...body, slug: 'taken-slug' });
      const before = t.eventCount();
      const slug = await t.request('POST', '/api/v1/sites', { ...newSite(), slug: 'taken-slug' });
      const domain = await t.request('POST', '/api/v1/sites', { ...newSite(), domain: body.domain });
      expect([slug.status, slug.body.code, domain.status, domain.body.code]).toEqual([409, 'DUPLICATE', 409, 'DUPLICATE']);
      expect(t.eventCount()).toBe(before);
    });

    it('deployments: bad source, bad environment, unknown site, invalid id', async () => {
      const id = await activeSite();
      const before = t.eventCount();
      const path = `/api/v1/sites/${id}/environments/production/deployments`;
      const results = [
        await t.request('POST', path, { source: { type: 'ftp' } }),
        await t.request('POST', path, { source: { type: 'archive', url: 'https://x.example.com/a.tgz;reboot' } }),
        await t.request('POST', path, { source: { type: 'git', url: 'https://git.example.com/r.git', ref: '$(id)' } }),
        await t.request('POST', path, { source: { type: 'git', url: 'https://user:token@git.example.com/r.git', ref: 'main' } }),
        await t.request('POST', path, {}),
        await t.request('POST', path, { source: { type: 'wordpress', extra: true } }),
        await t.request('POST', `/api/v1/sites/${id}/environments/staging/deployments`, { source: { type: 'wordpress' } }),
        await t.request('POST', `/api/v1/sites/${id}/environments/BAD%20ENV/deployments`, { source: { type: 'wordpress' } }),
        await t.request('POST', '/api/v1/sites/nosuchsite/environments/production/deployments', { source: { type: 'wordpress' } }),
        await t.request('POST', '/api/v1/sites/..%2Fetc/environments/production/deployments', { source: { type: 'wordpress' } }),
      ];
      expect(results.map((r) => [r.status, r.body.code])).toEqual([
        [400, 'VALIDATION_FAILED'],
        [400, 'VALIDATION_FAILED'],
        [400, 'VALIDATION_FAILED'],
        [400, 'VALIDATION_FAILED'],
        [400, 'VALIDATION_FAILED'],
        [400, 'UNKNOWN_FIELD'],
        [404, 'NOT_FOUND'],
        [400, 'VALIDATION_FAILED'],
        [404, 'NOT_FOUND'],
        [400, 'VALIDATION_FAILED'],
      ]);
      expect(t.eventCount()).toBe(before);
    });

    it('reset, retry and delete refuse what the lifecycle does not allow, appending nothing', async () => {
      const id = await activeSite();
      const before = t.eventCount();
      const reset = await t.request('POST', `/api/v1/sites/${id}/reset`, { reason: 'x' });
      const retry = await t.request('POST', `/api/v1/sites/${id}/retry`);
      const resetUnknownField = await t.request('POST', `/api/v1/sites/${id}/reset`, { force: true });
      const deleteUnknown = await t.request('DELETE', '/api/v1/sites/nosuchsite');
      expect([reset.status, reset.body.code]).toEqual([409, 'INVALID_STATE_TRANSITION']);
      expect([retry.status, retry.body.code]).toEqual([409, 'INVALID_STATE_TRANSITION']);
      expect([resetUnknownField.status, resetUnknownField.body.code]).toEqual([400, 'UNKNOWN_FIELD']);
      expect([deleteUnknown.status, deleteUnknown.body.code]).toEqual([404, 'NOT_FOUND']);
      expect(t.eventCount()).toBe(before);
    });

    it('list queries: bad limit, bad cursor, bad state are 400', async () => {
      for (const query of ['limit=0', 'limit=500', 'limit=abc', 'cursor=garbage', 'state=SLEEPING', 'bogus=1']) {
        const res = await t.request('GET', `/api/v1/sites?${query}`);
        expect([query, res.status]).toEqual([query, 400]);
      }
    });
  });

  it('a failed provisioning leaves the site FAILED with the error; retry re-runs it; then ACTIVE', async () => {
    provision.failWith('REMOTE_RUN_FAILED', 'nginx -t failed');
    const res = await t.request('POST', '/api/v1/sites', newSite());
    const id = res.body.site.id;
    const failed = await pollUntil(
      async () => {
        const r = await t.request('GET', `/api/v1/sites/${id}`);
        return r.body.state === 'FAILED' ? r.body : undefined;
      },
      { timeoutMs: 10_000 },
    );
    expect(failed.lastError).toEqual({ code: 'REMOTE_RUN_FAILED', message: 'nginx -t failed' });
    provision.succeedWith({ releaseId: 'release-2' });
    const retry = await t.request('POST', `/api/v1/sites/${id}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.body.job.kind).toBe('site.provision');
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
    expect((await t.request('GET', `/api/v1/sites/${id}`)).body.lastError).toBeNull();
  });

  it('lists sites in pages with a cursor, filters by state and searches by name, slug or domain', async () => {
    await t.request('POST', '/api/v1/sites', newSite({ name: 'Needle Shop', slug: 'needle-shop' }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; next: string | null } } = await t.request(
        'GET',
        `/api/v1/sites?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((s) => s.id));
      cursor = res.body.next;
    } while (cursor);
    const all = t.db.prepare('SELECT id FROM rm_sites ORDER BY created_at, id').pluck().all();
    expect(seen).toEqual(all);
    const search = await t.request('GET', '/api/v1/sites?search=NEEDLE');
    expect(search.body.items.map((s: { slug: string }) => s.slug)).toEqual(['needle-shop']);
    const active = await t.request('GET', '/api/v1/sites?state=ACTIVE&limit=200');
    expect(active.body.items.length).toBeGreaterThan(0);
    expect(active.body.items.every((s: { state: string }) => s.state === 'ACTIVE')).toBe(true);
  });

  describe('uploads, rollback, domains: bad input appends nothing', () => {
    const gzip = (text: string) => gzipSync(Buffer.from(text));
    const upload = (body: Buffer | string, type = 'application/gzip') =>
      fetch(`${t.url}/api/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${t.token.secret}`, 'content-type': type }, body });

    it('POST /uploads streams a gzip body: 201 {uploadId, sha256, size}', async () => {
      const body = gzip('hello');
      const res = await upload(body);
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ uploadId: expect.stringMatching(/^[0-9a-z]+$/), sha256: createHash('sha256').update(body).digest('hex'), size: body.length });
    });
    it('refuses a body that is not gzip (400) and one over the limit (413), keeping no file', async () => {
      const bad = await upload('plain text');
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      const wrongType = await upload(gzip('x'), 'application/octet-stream');
      expect(wrongType.status).toBe(400);
      const big = await upload(Buffer.concat([gzip('x'), Buffer.alloc(2048)]));
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(readdirSync(join(t.dataDir, 'uploads')).filter((f) => f.endsWith('.partial'))).toEqual([]);
    });
    it('a deploy of an unknown upload is 404 and appends nothing', async () => {
      const id = await activeSite();
      const before = t.eventCount();
      const res = await t.request('POST', `/api/v1/sites/${id}/environments/production/deployments`, { source: { type: 'archive', uploadId: 'nosuchupload' } });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', message: expect.any(String) });
      const noUrl = await t.request('POST', `/api/v1/sites/${id}/environments/production/deployments`, { source: { type: 'git', url: 'file:///etc; rm -rf /' } });
      expect(noUrl.status).toBe(400);
      expect(t.eventCount()).toBe(before);
    });
    it('a rollback without a previous release is 422 NO_ROLLBACK_TARGET and appends nothing', async () => {
      const id = await activeSite();
      const before = t.eventCount();
      const res = await t.request('POST', `/api/v1/sites/${id}/environments/production/rollback`, {});
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'NO_ROLLBACK_TARGET', details: { rule: 'rollback-needs-a-kept-release' } });
      const unknown = await t.request('POST', `/api/v1/sites/${id}/environments/production/rollback`, { releaseId: 'nope' });
      expect(unknown.status).toBe(404);
      const badBody = await t.request('POST', `/api/v1/sites/${id}/environments/production/rollback`, { force: 'yes' });
      expect(badBody.status).toBe(400);
      expect(t.eventCount()).toBe(before);
    });
    it('domains: invalid, repeated or taken domains are refused and append nothing', async () => {
      const a = await activeSite();
      const b = await activeSite();
      const taken = (await t.request('GET', `/api/v1/sites/${b}`)).body.primaryDomain;
      const before = t.eventCount();
      const put = (body: unknown) => t.request('PUT', `/api/v1/sites/${a}/environments/production/domains`, body);
      expect((await put({ primary: 'bad domain', aliases: [] })).status).toBe(400);
      expect((await put({ primary: 'x.example.com', aliases: ['x.example.com'] })).status).toBe(400);
      expect((await put({ primary: 'x.example.com' })).status).toBe(400);
      const dup = await put({ primary: 'x.example.com', aliases: [taken] });
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ code: 'DUPLICATE', details: { field: 'aliases[0]' } });
      expect(t.eventCount()).toBe(before);
      const ok = await put({ primary: 'x.example.com', aliases: ['www.x.example.com'] });
      expect(ok.status).toBe(202);
      expect(ok.body.job).toMatchObject({ kind: 'site.domains' });
    });
  });
});
