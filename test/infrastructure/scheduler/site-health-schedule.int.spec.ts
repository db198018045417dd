/**
 * The periodic health checks of site environments: each round queues one site.health-check per
 * environment of every ACTIVE site, and the outcome records EnvironmentHealthChanged only when the
 * status changes. The check itself (site-health.yml on a node) is scripted here.
 */
import { HealthCheckScheduler } from '../../../src/infrastructure/scheduler/health-check.scheduler';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('site health schedule', () => {
  let t: TestApp;
  const check = new ScriptedHandler('site.health-check');
  let siteId: string;

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision'), check] });
    const nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'h-node', host: '10.254.201.2' })).body.node.id;
    siteId = (await t.request('POST', '/api/v1/sites', { name: 'Healthy', nodeId, domain: 'healthy.example.com', adminEmail: 'a@example.com' })).body.site.id;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${siteId}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
  });
  afterAll(() => t.close());

  const round = async () => {
    const ids = t.app.get(HealthCheckScheduler).tick();
    for (const id of ids) await pollUntil(async () => ['succeeded', 'failed'].includes((await t.request('GET', `/api/v1/jobs/${id}`)).body.state), { timeoutMs: 10_000 });
    return ids;
  };
  const healthEvents = async () =>
    ((await t.request('GET', `/api/v1/sites/${siteId}/events`)).body.events as { type: string; data: { status: string } }[]).filter((e) => e.type === 'EnvironmentHealthChanged');
  const result = (healthy: boolean) => ({ environment: 'production', healthy, httpStatus: healthy ? 200 : 502, dbOk: true, reason: healthy ? 'ok' : 'HTTP 502' });

  it('queues one check per environment of an ACTIVE site and records only changes of its status', async () => {
    check.succeedWith(result(true));
    expect(await round()).toHaveLength(1);
    expect((await healthEvents()).map((e) => e.data.status)).toEqual(['healthy']);
    await round();
    expect((await healthEvents()).map((e) => e.data.status)).toEqual(['healthy']);
    check.succeedWith(result(false));
    await round();
    expect((await healthEvents()).map((e) => e.data.status)).toEqual(['healthy', 'unhealthy']);
    const site = (await t.request('GET', `/api/v1/sites/${siteId}`)).body;
    expect(site).toMatchObject({ state: 'ACTIVE', environments: [expect.objectContaining({ health: 'unhealthy' })] });
  });
});
