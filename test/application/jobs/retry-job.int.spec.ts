/**
 * Job retry (issue 13.10) and a job the log refuses to start (13.9), through the API with the real
 * worker, queue and event store (real SQLite); the handlers are scripted (the node-side work is not what
 * this is about). After a retry, the jobs table and the job's events agree.
 */
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('job retry and refused starts', () => {
  let t: TestApp;
  const bootstrap = new ScriptedHandler('node.bootstrap');
  const provision = new ScriptedHandler('site.provision');

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [bootstrap, provision] });
  });
  afterAll(() => t.close());

  const job = async (id: string) => (await t.request('GET', `/api/v1/jobs/${id}`)).body;
  const finished = (id: string) =>
    pollUntil(async () => {
      const j = await job(id);
      return ['succeeded', 'failed', 'cancelled'].includes(j.state) ? j : null;
    }, { timeoutMs: 20_000, intervalMs: 50, description: `job ${id} finished` });
  const row = (id: string) => t.db.prepare('SELECT state, attempt, run, last_error FROM jobs WHERE id = ?').get(id) as { state: string; attempt: number; run: number; last_error: string | null };
  const types = async (id: string) => (await t.request('GET', `/api/v1/jobs/${id}/events`)).body.events.map((e: { type: string; data: { attempt?: number } }) => `${e.type}${e.data.attempt ? `/${e.data.attempt}` : ''}`);

  it('a failed bootstrap is retried as a new run of the same job: table, job log and node agree', async () => {
    bootstrap.failWith('REMOTE_RUN_FAILED', 'one or more tasks failed (rc 2)', false);
    const reg = (await t.request('POST', '/api/v1/nodes', { name: 'retry-1', host: '10.0.0.21' })).body;
    const jobId = reg.job.id;
    expect(await finished(jobId)).toMatchObject({ state: 'failed', attempt: 1, error: { code: 'REMOTE_RUN_FAILED' } });
    expect((await t.request('GET', `/api/v1/nodes/${reg.node.id}`)).body.status).toBe('failed');

    bootstrap.succeedWith({ facts: { os: 'Debian' }, managementUser: null });
    const retry = await t.request('POST', `/api/v1/jobs/${jobId}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.body.job.id).toBe(jobId);
    const done = await finished(jobId);
    expect(done).toMatchObject({ state: 'succeeded', attempt: 1 });
    expect(row(jobId)).toMatchObject({ state: done.state, attempt: done.attempt, run: 2 });
    expect(await types(jobId)).toEqual(['JobQueued', 'JobStarted/1', 'JobFailed/1', 'JobRetryRequested', 'JobStarted/1', 'JobSucceeded/1']);
    const node = (await t.request('GET', `/api/v1/nodes/${reg.node.id}`)).body;
    expect(node).toMatchObject({ status: 'ready', facts: { os: 'Debian' } });
    const nodeEvents = (await t.request('GET', `/api/v1/nodes/${reg.node.id}/events`)).body.events.map((e: { type: string }) => e.type);
    expect(nodeEvents).toEqual(['NodeRegistered', 'NodeBootstrapRequested', 'NodeBootstrapFailed', 'NodeBootstrapRequested', 'NodeBootstrapped']);
    // The node's second bootstrap request queued nothing besides the retried job.
    const jobs = (await t.request('GET', '/api/v1/jobs?kind=node.bootstrap&limit=100')).body.items.filter((j: { nodeId?: string }) => j.nodeId === reg.node.id);
    expect(jobs.map((j: { id: string }) => j.id)).toEqual([jobId]);

    // A finished job is not retried again; nothing is appended.
    const before = t.eventCount();
    const again = await t.request('POST', `/api/v1/jobs/${jobId}/retry`);
    expect([again.status, again.body.code]).toEqual([409, 'JOB_NOT_RETRYABLE']);
    expect(t.eventCount()).toBe(before);
  });

  it('a failed site job is retried through its site: the operation is queued again and the site follows', async () => {
    bootstrap.succeedWith({ facts: {}, managementUser: null });
    const node = (await t.request('POST', '/api/v1/nodes', { name: 'retry-2', host: '10.0.0.22' })).body;
    await finished(node.job.id);
    provision.failWith('REMOTE_RUN_FAILED', 'provisioning failed', false);
    const site = (await t.request('POST', '/api/v1/sites', { name: 'Retry Me', nodeId: node.node.id, domain: 'retry.example.com', adminEmail: 'a@example.com' })).body;
    expect(await finished(site.job.id)).toMatchObject({ state: 'failed' });
    expect((await t.request('GET', `/api/v1/sites/${site.site.id}`)).body.state).toBe('FAILED');

    provision.succeedWith({ releaseId: 'r1' });
    const retry = await t.request('POST', `/api/v1/jobs/${site.job.id}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.body.job).toMatchObject({ kind: 'site.provision', siteId: site.site.id });
    expect(retry.body.job.id).not.toBe(site.job.id);
    expect(await finished(retry.body.job.id)).toMatchObject({ state: 'succeeded' });
    expect((await t.request('GET', `/api/v1/sites/${site.site.id}`)).body.state).toBe('ACTIVE');
    expect(row(site.job.id)).toMatchObject({ state: 'failed', run: 1 });
  });

  it('a job whose start the log refuses fails with JOB_START_REFUSED and the queue moves on', async () => {
    bootstrap.succeedWith({ facts: {}, managementUser: null });
    // A job row without its JobQueued event (the log and the table disagree), older than everything else.
    t.db
      .prepare(
        `INSERT INTO jobs (id, kind, payload, state, attempt, max_attempts, run_after, priority, correlation_id, actor, created_at, updated_at)
         VALUES ('poisoned-job', 'node.bootstrap', '{"nodeId":"nope"}', 'queued', 0, 3, 0, 0, 'c', 'system:test', 0, 0)`,
      )
      .run();
    const regs = [];
    for (const n of [1, 2, 3]) regs.push((await t.request('POST', '/api/v1/nodes', { name: `good-${n}`, host: `10.0.0.3${n}` })).body);
    for (const r of regs) expect(await finished(r.job.id)).toMatchObject({ state: 'succeeded' });
    const poisoned = await pollUntil(() => (row('poisoned-job').state === 'failed' ? row('poisoned-job') : null), { timeoutMs: 10_000, intervalMs: 50 });
    expect(JSON.parse(poisoned.last_error as string)).toMatchObject({ code: 'JOB_START_REFUSED' });
    expect(poisoned.attempt).toBe(0);
    expect(bootstrap.started).not.toContain('poisoned-job');
  });
});
