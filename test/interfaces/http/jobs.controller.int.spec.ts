import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('jobs API', () => {
  let t: TestApp;
  const provision = new ScriptedHandler('site.provision');
  // No handler for node.bootstrap here: those jobs stay queued, which the cancel tests need.
  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [provision] });
  });
  afterAll(() => t.close());

  const registerNode = async (name: string) => (await t.request('POST', '/api/v1/nodes', { name, host: '10.0.0.9' })).body;

  it('lists and gets jobs; filters by state and kind', async () => {
    const { job, node } = await registerNode('j1');
    const got = await t.request('GET', `/api/v1/jobs/${job.id}`);
    expect(got.body).toMatchObject({ id: job.id, kind: 'node.bootstrap', state: 'queued', attempt: 0, maxAttempts: 3, nodeId: node.id });
    const list = await t.request('GET', '/api/v1/jobs?state=queued&kind=node.bootstrap');
    expect(list.body.items.map((j: { id: string }) => j.id)).toContain(job.id);
  });

  it('cancels a queued job at once; its node fails; a second cancel is 409; nothing appended by the refusal', async () => {
    const { job, node } = await registerNode('j2');
    const res = await t.request('POST', `/api/v1/jobs/${job.id}/cancel`);
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ id: job.id, state: 'cancelled' });
    expect((await t.request('GET', `/api/v1/nodes/${node.id}`)).body.status).toBe('failed');
    const history = await t.request('GET', `/api/v1/jobs/${job.id}/events`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['JobQueued', 'JobCancelRequested', 'JobCancelled']);
    const before = t.eventCount();
    const again = await t.request('POST', `/api/v1/jobs/${job.id}/cancel`);
    expect([again.status, again.body.code]).toEqual([409, 'JOB_NOT_CANCELLABLE']);
    expect(t.eventCount()).toBe(before);
  });

  it('cancels a running job cooperatively: the handler is aborted and the site ends FAILED', async () => {
    const nodeId = (await registerNode('j3')).node.id;
    provision.hold();
    const site = await t.request('POST', '/api/v1/sites', { name: 'Cancel Me', nodeId, domain: 'cancel.example.com', adminEmail: 'a@example.com' });
    const jobId = site.body.job.id;
    await pollUntil(() => provision.started.includes(jobId), { timeoutMs: 10_000 });
    const res = await t.request('POST', `/api/v1/jobs/${jobId}/cancel`);
    expect(res.status).toBe(202);
    await pollUntil(async () => (await t.request('GET', `/api/v1/jobs/${jobId}`)).body.state === 'cancelled', { timeoutMs: 10_000 });
    const after = await t.request('GET', `/api/v1/sites/${site.body.site.id}`);
    expect(after.body).toMatchObject({ state: 'FAILED', lastError: { code: 'JOB_CANCELLED' } });
    provision.release();
  });

  it('a cancelled bootstrap job is retried as its next run; its node goes back to bootstrapping', async () => {
    const { job, node } = await registerNode('j4');
    await t.request('POST', `/api/v1/jobs/${job.id}/cancel`);
    expect((await t.request('GET', `/api/v1/nodes/${node.id}`)).body.status).toBe('failed');
    const retry = await t.request('POST', `/api/v1/jobs/${job.id}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.body.job).toMatchObject({ id: job.id, state: 'queued', attempt: 0 });
    expect((await t.request('GET', `/api/v1/nodes/${node.id}`)).body.status).toBe('bootstrapping');
    const history = await t.request('GET', `/api/v1/jobs/${job.id}/events`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['JobQueued', 'JobCancelRequested', 'JobCancelled', 'JobRetryRequested']);
  });

  it('bad input: unknown job 404, invalid id 400, bad filters 400, nothing appended', async () => {
    const before = t.eventCount();
    const results = await Promise.all([
      t.request('GET', '/api/v1/jobs/nosuchjob'),
      t.request('POST', '/api/v1/jobs/nosuchjob/cancel'),
      t.request('POST', '/api/v1/jobs/nosuchjob/retry'),
      t.request('GET', '/api/v1/jobs/BAD_ID'),
      t.request('GET', '/api/v1/jobs?state=sleeping'),
      t.request('GET', '/api/v1/jobs?kind=$(id)'),
    ]);
    expect(results.map((r) => r.status)).toEqual([404, 404, 404, 400, 400, 400]);
    expect(t.eventCount()).toBe(before);
  });
});
