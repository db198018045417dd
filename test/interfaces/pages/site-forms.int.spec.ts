/**
 * The site page's rollback, domains and delete forms over real HTTP with a signed-in session and the
 * real SQLite store. Provisioning and the one deploy a rollback needs are scripted set-up (the
 * node-side work is not what these tests are about); no handler is registered for site.rollback,
 * site.domains or site.delete, so the jobs the forms queue stay queued and no node is contacted.
 */
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('site page forms: rollback, domains, delete', () => {
  let t: TestApp;
  let session: { cookie: string; csrf: string };
  let nodeId: string;

  const get = (path: string) => fetch(t.url + path, { headers: { cookie: session.cookie, accept: 'text/html' } });
  const post = (path: string, fields: Record<string, string>, csrf = true) =>
    fetch(t.url + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...(csrf ? { _csrf: session.csrf } : {}), ...fields }).toString(),
    });
  const eventsOf = (siteId: string, type: string) =>
    (t.db.prepare('SELECT data, metadata FROM events WHERE stream_id = ? AND type = ?').all(`site-${siteId}`, type) as { data: string; metadata: string }[]).map((r) => ({
      data: JSON.parse(r.data) as Record<string, unknown>,
      metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    }));
  const jobsOf = (siteId: string, kind: string) =>
    (t.db.prepare('SELECT state, actor, payload FROM jobs WHERE site_id = ? AND kind = ?').all(siteId, kind) as { state: string; actor: string; payload: string }[]).map((j) => ({
      ...j,
      payload: JSON.parse(j.payload) as Record<string, unknown>,
    }));
  const actor = () => `user:${t.admin.id}`;
  const siteState = async (id: string) => (await t.request('GET', `/api/v1/sites/${id}`)).body.state as string;

  /** An ACTIVE site (scripted provisioning: release-1), with release-2 deployed on top when asked. */
  async function activeSite(slug: string, deployed = false): Promise<string> {
    const created = await t.request('POST', '/api/v1/sites', { name: slug, slug, nodeId, domain: `${slug}.example.com`, adminEmail: 'a@example.com' });
    const id = created.body.site.id as string;
    await pollUntil(async () => (await siteState(id)) === 'ACTIVE', { timeoutMs: 10_000, description: `${slug} ACTIVE` });
    if (deployed) {
      expect((await t.request('POST', `/api/v1/sites/${id}/environments/production/deployments`, { source: { type: 'wordpress' } })).status).toBe(202);
      await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.environments[0].currentReleaseId === 'release-2', { timeoutMs: 10_000 });
      await pollUntil(async () => (await siteState(id)) === 'ACTIVE', { timeoutMs: 10_000 });
    }
    return id;
  }

  /** The 303 of a form and the flash the page it points to shows. */
  async function followRedirect(res: Response): Promise<{ location: string; html: string }> {
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    return { location, html: await (await get(location)).text() };
  }

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision'), new ScriptedHandler('site.deploy').succeedWith({ releaseId: 'release-2' })] });
    session = await t.login();
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'forms-node', host: '10.254.200.4' })).body.node.id;
  });
  afterAll(() => t.close());

  describe('rollback form', () => {
    it('given an ACTIVE site with a previous release, when the rollback form is posted for the previous release, then RollbackRequested is recorded with the signed-in user, a site.rollback job is queued and the page says so', async () => {
      const id = await activeSite('rb-ok', true);
      const page = await (await get(`/sites/${id}`)).text();
      expect(page).toContain(`action="/sites/${id}/rollback"`);
      expect(page).toContain('<option value="release-1">release-1</option>');
      const res = await post(`/sites/${id}/rollback`, { env: 'production', releaseId: '' });
      const { location, html } = await followRedirect(res);
      expect(location).toBe(`/sites/${id}?done=Rollback`);
      expect(html).toContain('Rollback requested.');
      const [requested] = eventsOf(id, 'RollbackRequested');
      expect(requested).toMatchObject({
        data: { siteId: id, environment: 'production', targetReleaseId: 'release-1', fromReleaseId: 'release-2', force: false },
        metadata: { actor: actor() },
      });
      expect(jobsOf(id, 'site.rollback')).toEqual([
        { state: 'queued', actor: actor(), payload: { siteId: id, environment: 'production', rollbackId: requested.data.rollbackId, force: false } },
      ]);
      expect(await siteState(id)).toBe('ROLLING_BACK');
    });

    it('given an ACTIVE site, when the rollback form is posted without the CSRF token, for a release it does not keep, or with no previous release, then it is refused with a clear error and nothing is appended', async () => {
      const id = await activeSite('rb-bad', true);
      const fresh = await activeSite('rb-none');
      const before = t.eventCount();
      const noCsrf = await post(`/sites/${id}/rollback`, { env: 'production', releaseId: '' }, false);
      expect(noCsrf.status).toBe(403);
      expect(await noCsrf.text()).toContain('CSRF_FAILED');
      const unknown = await post(`/sites/${id}/rollback`, { env: 'production', releaseId: 'release-9' });
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toMatch(/role="alert"><strong>NOT_FOUND<\/strong>[^<]*release-9/);
      const none = await post(`/sites/${fresh}/rollback`, { env: 'production', releaseId: '' });
      expect(none.status).toBe(422);
      expect(await none.text()).toMatch(/role="alert"><strong>NO_ROLLBACK_TARGET<\/strong> Environment production has no previous release/);
      expect(t.eventCount()).toBe(before);
      expect([...jobsOf(id, 'site.rollback'), ...jobsOf(fresh, 'site.rollback')]).toEqual([]);
      expect(await siteState(id)).toBe('ACTIVE');
    });
  });

  describe('domains form', () => {
    it('given an ACTIVE site, when the domains form is posted with a new primary and aliases, then DomainsChangeRequested is recorded with the signed-in user, a site.domains job is queued and the page says so', async () => {
      const id = await activeSite('dom-ok');
      const res = await post(`/sites/${id}/domains`, { env: 'production', primary: 'dom-new.example.com', aliases: 'www.dom-new.example.com, dom-ok.example.com' });
      const { location, html } = await followRedirect(res);
      expect(location).toBe(`/sites/${id}?done=Domain%20change`);
      expect(html).toContain('Domain change requested.');
      const [requested] = eventsOf(id, 'DomainsChangeRequested');
      expect(requested).toMatchObject({
        data: { siteId: id, environment: 'production', primary: 'dom-new.example.com', aliases: ['www.dom-new.example.com', 'dom-ok.example.com'], previousPrimary: 'dom-ok.example.com' },
        metadata: { actor: actor() },
      });
      expect(jobsOf(id, 'site.domains')).toEqual([{ state: 'queued', actor: actor(), payload: { siteId: id, environment: 'production', changeId: requested.data.changeId } }]);
      expect(await siteState(id)).toBe('UPDATING_DOMAINS');
    });

    it('given an ACTIVE site, when the domains form is posted without the CSRF token, with a bad domain, an alias equal to the primary or another site\'s domain, then it is refused next to the field with the value kept and nothing is appended', async () => {
      const id = await activeSite('dom-bad');
      await activeSite('dom-other');
      const before = t.eventCount();
      const noCsrf = await post(`/sites/${id}/domains`, { env: 'production', primary: 'x.example.com', aliases: '' }, false);
      expect(noCsrf.status).toBe(403);
      expect(await noCsrf.text()).toContain('CSRF_FAILED');
      const bad = await post(`/sites/${id}/domains`, { env: 'production', primary: 'not a domain', aliases: '' });
      expect(bad.status).toBe(400);
      const badHtml = await bad.text();
      expect(badHtml).toMatch(/id="e-primary"/);
      expect(badHtml).toContain('value="not a domain"');
      const same = await post(`/sites/${id}/domains`, { env: 'production', primary: 'dom-bad.example.com', aliases: 'dom-bad.example.com' });
      expect(same.status).toBe(400);
      expect(await same.text()).toContain('aliases must differ from the primary domain and from each other');
      const taken = await post(`/sites/${id}/domains`, { env: 'production', primary: 'dom-other.example.com', aliases: '' });
      expect(taken.status).toBe(409);
      expect(await taken.text()).toMatch(/id="e-primary"[^>]*>domain &quot;dom-other.example.com&quot; is already served by another site/);
      expect(t.eventCount()).toBe(before);
      expect(jobsOf(id, 'site.domains')).toEqual([]);
      expect(await siteState(id)).toBe('ACTIVE');
    });
  });

  describe('delete form', () => {
    it('given an ACTIVE site, when the delete form is posted with its slug, then SiteDeletionRequested is recorded with the signed-in user and the planned final backup, a site.delete job is queued and the page says so', async () => {
      const id = await activeSite('del-ok');
      const confirm = await (await get(`/sites/${id}/delete`)).text();
      expect(confirm).toContain(`action="/sites/${id}/delete"`);
      const res = await post(`/sites/${id}/delete`, { confirm: 'del-ok' });
      const { location, html } = await followRedirect(res);
      expect(location).toBe(`/sites/${id}?done=Deletion`);
      expect(html).toContain('Deletion requested.');
      const [requested] = eventsOf(id, 'SiteDeletionRequested');
      expect(requested).toMatchObject({
        data: { siteId: id, environments: ['production'], deletionId: expect.any(String), finalBackups: [{ environment: 'production', backupId: expect.any(String) }] },
        metadata: { actor: actor() },
      });
      expect(jobsOf(id, 'site.delete')).toEqual([{ state: 'queued', actor: actor(), payload: { siteId: id, environments: ['production'] } }]);
      expect(await siteState(id)).toBe('DELETING');
    });

    it('given an ACTIVE site, when the delete form is posted without the CSRF token or with the wrong confirmation, then it is refused and nothing is appended', async () => {
      const id = await activeSite('del-bad');
      const before = t.eventCount();
      const noCsrf = await post(`/sites/${id}/delete`, { confirm: 'del-bad' }, false);
      expect(noCsrf.status).toBe(403);
      expect(await noCsrf.text()).toContain('CSRF_FAILED');
      const wrong = await post(`/sites/${id}/delete`, { confirm: 'del-ba' });
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toMatch(/id="e-confirm"[^>]*>type &quot;del-bad&quot; to confirm/);
      expect(t.eventCount()).toBe(before);
      expect(jobsOf(id, 'site.delete')).toEqual([]);
      expect(await siteState(id)).toBe('ACTIVE');
    });
  });
});
