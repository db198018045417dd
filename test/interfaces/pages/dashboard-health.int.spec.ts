/**
 * The dashboard's site health block: the periodic health checks (HealthCheckScheduler.tick, the real
 * site.health-check outcome → EnvironmentHealthChanged → rm_environments) shown with a count per status and
 * the environments whose latest check failed. The check on the node is scripted per site.
 */
import type { JobContext, JobHandler, JobHandlerResult } from '../../../src/application/ports/job-queue.port';
import { HealthCheckScheduler } from '../../../src/infrastructure/scheduler/health-check.scheduler';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

/** site-health.yml's summary, decided per site by the test. */
class PerSiteHealth implements JobHandler {
  readonly kind = 'site.health-check';
  readonly results = new Map<string, Record<string, unknown>>();
  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    return { summary: this.results.get(String(ctx.job.payload.siteId)) };
  }
}

describe('dashboard: site health', () => {
  let t: TestApp;
  let cookie: string;
  const health = new PerSiteHealth();
  const passwords: string[] = [];
  let brokenId: string;
  let fineId: string;
  let newId: string;
  const brokenReason = 'HTTP 502, database not reachable <script>alert(1)</script>';

  const createSite = async (nodeId: string, name: string, domain: string) => {
    const res = await t.request('POST', '/api/v1/sites', { name, nodeId, domain, adminEmail: 'a@example.com' });
    expect(res.status).toBe(202);
    passwords.push(res.body.admin.password);
    const id = res.body.site.id as string;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
    return id;
  };
  const round = async () => {
    const ids = t.app.get(HealthCheckScheduler).tick();
    for (const id of ids) await pollUntil(async () => ['succeeded', 'failed'].includes((await t.request('GET', `/api/v1/jobs/${id}`)).body.state), { timeoutMs: 10_000 });
    return ids;
  };
  const dashboard = async () => (await fetch(t.url + '/', { headers: { cookie, accept: 'text/html' } })).text();
  const block = (html: string) => /<section class="site-health">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision'), health] });
    cookie = (await t.login()).cookie;
    const nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'dash-node', host: '10.254.202.2' })).body.node.id;
    brokenId = await createSite(nodeId, 'Broken Shop', 'broken.example.com');
    fineId = await createSite(nodeId, 'Fine Blog', 'fine.example.com');
    health.results.set(brokenId, { environment: 'production', healthy: false, httpStatus: 502, dbOk: false, reason: brokenReason });
    health.results.set(fineId, { environment: 'production', healthy: true, httpStatus: 200, dbOk: true, reason: 'HTTP 200 from http://fine.example.com/, database reachable' });
    expect(await round()).toHaveLength(2);
    // A site created after the round has no check recorded yet.
    newId = await createSite(nodeId, 'New Site', 'new.example.com');
  });
  afterAll(() => t.close());

  it('given a site whose latest check failed, when the dashboard is opened, then it is listed with its environment, reason, time and a link to its page', async () => {
    const html = block(await dashboard());
    expect(html).toContain('Sites needing attention');
    const row = /<tr class="site-unhealthy">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(row).toContain(`<a href="/sites/${brokenId}">Broken Shop</a>`);
    expect(row).toContain('<td>production</td>');
    expect(row).toContain('HTTP 502, database not reachable &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(row).not.toContain('<script>');
    expect(row).toMatch(/<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ<\/td><\/tr>/);
  });

  it('given a healthy site and one not checked yet, when the dashboard is opened, then neither is listed and the counts are 1 healthy, 1 unhealthy, 1 not checked', async () => {
    const html = block(await dashboard());
    expect(html.match(/<tr class="site-unhealthy">/g)).toHaveLength(1);
    expect(html).not.toContain(fineId);
    expect(html).not.toContain('Fine Blog');
    expect(html).not.toContain('New Site');
    expect(html).toContain('1 healthy · <span class="bad-text">1 unhealthy</span> · 1 not checked yet');
  });

  it('given the unhealthy site recovers, when the next round (which also checks the new site) has run, then the dashboard lists no site and counts 3 healthy', async () => {
    const ok = { environment: 'production', healthy: true, httpStatus: 200, dbOk: true, reason: 'ok' };
    health.results.set(brokenId, ok);
    health.results.set(newId, ok);
    await round();
    const html = block(await dashboard());
    expect(html).not.toContain('Sites needing attention');
    expect(html).toContain('No site environment failed its latest health check.');
    expect(html).toContain('3 healthy · <span class="bad-text">0 unhealthy</span> · 0 not checked yet');
  });

  it('given sites with generated admin passwords, when the dashboard is rendered, then it holds no password and no API token', async () => {
    const html = await dashboard();
    expect(passwords).toHaveLength(3);
    for (const secret of [...passwords, t.token.secret, t.admin.password]) expect(html).not.toContain(secret);
  });
});
