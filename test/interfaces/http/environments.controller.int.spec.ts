import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

/**
 * Clones and environment deletion over real HTTP on a real SQLite file, with the real worker running
 * scripted node-side handlers: POST /sites/{id}/environments → CLONING → ACTIVE with the new environment,
 * its status and drift baseline in the read model; refusals append nothing; a failed clone is retried
 * through the job retry into the same environment; DELETE /sites/{id}/environments/{env} removes it.
 */
describe('environments API (clone, delete)', () => {
  let t: TestApp;
  const provision = new ScriptedHandler('site.provision');
  const clone = new ScriptedHandler('site.clone');
  const removal = new ScriptedHandler('site.environment-delete').succeedWith({ environment: 'staging' });
  let nodeId: string;
  let otherNodeId: string;
  const baseline = {
    takenAt: '2026-12-03T10:00:00.000Z',
    database: 's_shop',
    tables: [
      { name: 'wp_posts', rows: 4, checksum: '3301234567' },
      { name: 'wp_options', rows: 120, checksum: '42' },
    ],
    uploads: { files: 2, bytes: 30, sha256: 'b'.repeat(64) },
  };

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [provision, clone, removal] });
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'web-1', host: '10.254.1.2' })).body.node.id;
    otherNodeId = (await t.request('POST', '/api/v1/nodes', { name: 'web-2', host: '10.254.2.2' })).body.node.id;
    clone.succeedWith({ releaseId: 'release-1', baseline });
  });
  afterAll(() => t.close());

  let counter = 0;
  async function activeSite(): Promise<{ id: string; slug: string }> {
    const n = ++counter;
    const res = await t.request('POST', '/api/v1/sites', { name: `Shop ${n}`, slug: `shop${n}`, nodeId, domain: `shop${n}.example.com`, adminEmail: 'a@example.com' });
    expect(res.status).toBe(202);
    const id = res.body.site.id as string;
    await waitState(id, 'ACTIVE');
    return { id, slug: `shop${n}` };
  }
  const waitState = (id: string, state: string) =>
    pollUntil(async () => ((await t.request('GET', `/api/v1/sites/${id}`)).body.state === state ? true : undefined), { timeoutMs: 10_000, description: `site ${state}` });
  const waitJob = (id: string, state: string) =>
    pollUntil(async () => ((await t.request('GET', `/api/v1/jobs/${id}`)).body.state === state ? true : undefined), { timeoutMs: 10_000, description: `job ${state}` });
  const envOf = async (id: string, name: string) => ((await t.request('GET', `/api/v1/sites/${id}`)).body.environments as { name: string }[]).find((e) => e.name === name) as Record<string, unknown> | undefined;

  it('clones production: 202 with the job, CLONING with the new environment cloning, then ACTIVE with its release and baseline', async () => {
    const site = await activeSite();
    clone.hold();
    const res = await t.request('POST', `/api/v1/sites/${site.id}/environments`, { name: 'staging', sourceEnvironment: 'production', domain: `staging.${site.slug}.example.com` });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ cloneId: expect.any(String), environment: 'staging', version: 3, job: { id: expect.any(String), kind: 'site.clone' } });
    expect((await t.request('GET', `/api/v1/sites/${site.id}`)).body.state).toBe('CLONING');
    expect(await envOf(site.id, 'staging')).toMatchObject({ status: 'cloning', clonedFrom: 'production', envSlug: `${site.slug}-staging`, nodeId, cloneBaseline: null, currentReleaseId: null });
    // one mutation at a time
    const busy = await t.request('DELETE', `/api/v1/sites/${site.id}/environments/staging`);
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('SITE_BUSY');
    clone.release();
    await waitState(site.id, 'ACTIVE');
    expect(await envOf(site.id, 'staging')).toMatchObject({
      status: 'active',
      clonedFrom: 'production',
      domains: [`staging.${site.slug}.example.com`],
      currentReleaseId: 'release-1',
      cloneBaseline: baseline,
    });
    expect(await envOf(site.id, 'production')).toMatchObject({ status: 'active', clonedFrom: null, cloneBaseline: null });
    const history = (await t.request('GET', `/api/v1/sites/${site.id}/events`)).body.events as { type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }[];
    expect(history.map((e) => e.type)).toEqual(['SiteCreated', 'SiteProvisioned', 'EnvironmentCloneRequested', 'EnvironmentCloned']);
    expect(history[2].metadata.actor).toMatch(/^token:/);
    expect(history[3].data.baseline).toEqual(baseline);

    // the domain is now taken, by this site and for every other site
    const again = await t.request('POST', `/api/v1/sites/${site.id}/environments`, { name: 'qa', sourceEnvironment: 'production', domain: `staging.${site.slug}.example.com` });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DUPLICATE');
    const other = await activeSite();
    const taken = await t.request('POST', `/api/v1/sites/${other.id}/environments`, { name: 'staging', sourceEnvironment: 'production', domain: `staging.${site.slug}.example.com` });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'DUPLICATE', details: { field: 'domain' } });

    // deleting it: DELETING_ENVIRONMENT, then gone; production stays
    removal.hold();
    const del = await t.request('DELETE', `/api/v1/sites/${site.id}/environments/staging`);
    expect(del.status).toBe(202);
    expect(del.body.job).toMatchObject({ kind: 'site.environment-delete' });
    expect((await t.request('GET', `/api/v1/sites/${site.id}`)).body.state).toBe('DELETING_ENVIRONMENT');
    expect(await envOf(site.id, 'staging')).toMatchObject({ status: 'deleting' });
    removal.release();
    await waitState(site.id, 'ACTIVE');
    expect(((await t.request('GET', `/api/v1/sites/${site.id}`)).body.environments as { name: string }[]).map((e) => e.name)).toEqual(['production']);
    // the domain is free again
    const reuse = await t.request('POST', `/api/v1/sites/${other.id}/environments`, { name: 'staging', sourceEnvironment: 'production', domain: `staging.${site.slug}.example.com` });
    expect(reuse.status).toBe(202);
    await waitState(other.id, 'ACTIVE');
  });

  it('refuses bad requests with a typed error and appends nothing', async () => {
    const site = await activeSite();
    const count = t.eventCount();
    const post = (body: Record<string, unknown>) => t.request('POST', `/api/v1/sites/${site.id}/environments`, body);
    const domain = `staging.${site.slug}.example.com`;
    const across = await post({ name: 'staging', sourceEnvironment: 'production', nodeId: otherNodeId, domain });
    expect(across.status).toBe(422);
    expect(across.body).toEqual({ code: 'CLONE_ACROSS_NODES_UNSUPPORTED', message: expect.stringContaining('not supported'), details: expect.objectContaining({ nodeId: otherNodeId, sourceNodeId: nodeId }) });
    expect((await post({ name: 'Staging!', sourceEnvironment: 'production', domain })).body.code).toBe('VALIDATION_FAILED');
    expect((await post({ name: 'production', sourceEnvironment: 'production', domain })).body.code).toBe('ENVIRONMENT_EXISTS');
    expect((await post({ name: 'staging', sourceEnvironment: 'qa', domain })).status).toBe(404);
    expect((await post({ name: 'staging', sourceEnvironment: 'production', domain: 'not a domain' })).body.code).toBe('VALIDATION_FAILED');
    expect((await post({ name: 'staging', sourceEnvironment: 'production', domain: `${site.slug}.example.com` })).body.code).toBe('DUPLICATE');
    expect((await post({ name: 'staging', sourceEnvironment: 'production' })).status).toBe(400);
    expect((await post({ name: 'staging', sourceEnvironment: 'production', domain, extra: 1 })).status).toBe(400);
    expect((await post({ name: 'a-very-long-env-name', sourceEnvironment: 'production', domain: `x${domain}` })).status).toBe(202);
    await waitState(site.id, 'ACTIVE');
    const afterLong = t.eventCount();
    const prod = await t.request('DELETE', `/api/v1/sites/${site.id}/environments/production`);
    expect(prod.status).toBe(422);
    expect(prod.body.code).toBe('PRODUCTION_NOT_DELETABLE');
    expect((await t.request('DELETE', `/api/v1/sites/${site.id}/environments/qa`)).status).toBe(404);
    expect((await t.request('DELETE', `/api/v1/sites/${site.id}/environments/Bad_Env`)).status).toBe(400);
    expect(t.eventCount()).toBe(afterLong);
    // only the accepted clone appended (request + job + completion events); each refusal nothing
    expect(afterLong).toBeGreaterThan(count);
  });

  it("refuses a clone whose slug another site's environment already uses (DUPLICATE), appending nothing", async () => {
    const a = await activeSite();
    // a site whose slug is a's clone slug
    const res = await t.request('POST', '/api/v1/sites', { name: 'Taken', slug: `${a.slug}-staging`, nodeId, domain: `taken${a.slug}.example.com`, adminEmail: 'a@example.com' });
    expect(res.status).toBe(202);
    await waitState(res.body.site.id, 'ACTIVE');
    const count = t.eventCount();
    const refused = await t.request('POST', `/api/v1/sites/${a.id}/environments`, { name: 'staging', sourceEnvironment: 'production', domain: `staging.${a.slug}.example.com` });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'DUPLICATE', details: { field: 'name', envSlug: `${a.slug}-staging` } });
    expect(t.eventCount()).toBe(count);
  });

  it('a failed clone leaves the site FAILED and the environment failed; a retry of its job clones into the same environment', async () => {
    const site = await activeSite();
    clone.failWith('CLONE_FAILED', 'the clone failed on the node: mysqldump: Got error', false);
    const res = await t.request('POST', `/api/v1/sites/${site.id}/environments`, { name: 'staging', sourceEnvironment: 'production', domain: `staging.${site.slug}.example.com` });
    expect(res.status).toBe(202);
    await waitState(site.id, 'FAILED');
    const failed = (await t.request('GET', `/api/v1/sites/${site.id}`)).body;
    expect(failed.lastError).toMatchObject({ code: 'CLONE_FAILED' });
    expect(await envOf(site.id, 'staging')).toMatchObject({ status: 'failed' });
    clone.succeedWith({ releaseId: 'release-1', baseline });
    const retry = await t.request('POST', `/api/v1/jobs/${res.body.job.id}/retry`);
    expect(retry.status).toBe(202);
    await waitState(site.id, 'ACTIVE');
    expect(await envOf(site.id, 'staging')).toMatchObject({ status: 'active', cloneBaseline: baseline });
    const history = (await t.request('GET', `/api/v1/sites/${site.id}/events`)).body.events as { type: string; data: Record<string, unknown> }[];
    const retried = history.find((e) => e.type === 'SiteRetryRequested');
    expect(retried?.data).toMatchObject({ operation: 'clone', cloneId: res.body.cloneId, environment: 'staging' });
    const jobs = (await t.request('GET', `/api/v1/jobs?siteId=${site.id}&limit=50`)).body.items as { kind: string; state: string }[];
    expect(jobs.filter((j) => j.kind === 'site.clone').map((j) => j.state).sort()).toEqual(['failed', 'succeeded']);
    await waitJob(res.body.job.id, 'failed');
  });
});
