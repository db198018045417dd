/**
 * Job retry (issue 13.10) and a job the log refuses to start (13.9), through the API with the real
 * worker, queue and event store (real SQLite); the handlers are scripted (the node-side work is not what
 * this is about). After a retry, the jobs table and the job's events agree.
 */
import { HealthCheckScheduler } from '../../../src/infrastructure/scheduler/health-check.scheduler';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('job retry and refused starts', () => {
  let t: TestApp;
  const bootstrap = new ScriptedHandler('node.bootstrap');
  const provision = new ScriptedHandler('site.provision');
  const health = new ScriptedHandler('site.health-check');
  const certificate = new ScriptedHandler('site.certificate');
  const backup = new ScriptedHandler('site.backup');
  const prune = new ScriptedHandler('site.backup-prune');

  beforeAll(async () => {
    t = await startTestApp({
      jobHandlers: [bootstrap, provision, health, certificate, backup, prune],
      // the scheduler's rounds are run by hand below; no automatic certificate request after create
      env: { PRESSLUFT_ACME_EMAIL: 'ops@example.com', PRESSLUFT_CERT_CHECK_INTERVAL_MS: '0', PRESSLUFT_HEALTH_CHECK_INTERVAL_MS: '0' },
    });
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

  describe('site jobs that are no lifecycle operation (the site stays ACTIVE)', () => {
    let siteId: string;
    const siteEvents = async () => (await t.request('GET', `/api/v1/sites/${siteId}/events`)).body.events as { type: string; data: Record<string, unknown> }[];

    beforeAll(async () => {
      bootstrap.succeedWith({ facts: {}, managementUser: null });
      provision.succeedWith({ releaseId: 'r1' });
      const node = (await t.request('POST', '/api/v1/nodes', { name: 'retry-3', host: '10.0.0.23' })).body;
      await finished(node.job.id);
      const site = (await t.request('POST', '/api/v1/sites', { name: 'Retry Side', nodeId: node.node.id, domain: 'side.example.com', adminEmail: 'a@example.com' })).body;
      siteId = site.site.id;
      expect(await finished(site.job.id)).toMatchObject({ state: 'succeeded' });
    });

    it('a failed site health check is run again as the same job', async () => {
      health.failWith('REMOTE_RUN_FAILED', 'the node did not answer', false);
      const [jobId] = t.app.get(HealthCheckScheduler).tick().filter((id) => t.db.prepare('SELECT kind FROM jobs WHERE id = ?').pluck().get(id) === 'site.health-check');
      expect(await finished(jobId)).toMatchObject({ state: 'failed' });
      health.succeedWith({ environment: 'production', healthy: true, httpStatus: 200, dbOk: true, reason: 'ok' });
      const retry = await t.request('POST', `/api/v1/jobs/${jobId}/retry`);
      expect([retry.status, retry.body.job.id]).toEqual([202, jobId]);
      expect(await finished(jobId)).toMatchObject({ state: 'succeeded' });
      expect(row(jobId).run).toBe(2);
      expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body.state).toBe('ACTIVE');
    });

    it("a failed certificate job is asked for again with the failed request's choices; an older failure is no longer retried", async () => {
      certificate.failWith('CERT_INSTALL_FAILED', 'nginx -t failed', false);
      const asked = await t.request('POST', `/api/v1/sites/${siteId}/environments/production/certificates`, { force: true, hsts: true });
      const failedJob = asked.body.job.id as string;
      expect(await finished(failedJob)).toMatchObject({ state: 'failed', error: { code: 'CERT_INSTALL_FAILED' } });

      certificate.hold();
      const retry = await t.request('POST', `/api/v1/jobs/${failedJob}/retry`);
      expect(retry.status).toBe(202);
      expect(retry.body.job).toMatchObject({ kind: 'site.certificate', siteId });
      expect(retry.body.job.id).not.toBe(failedJob);
      certificate.release();
      certificate.failWith('CERT_INSTALL_FAILED', 'nginx -t failed again', false);
      expect(await finished(retry.body.job.id)).toMatchObject({ state: 'failed' });
      const stream = t.db.prepare("SELECT data FROM events WHERE stream_id = ? AND type = 'CertificateRequested' ORDER BY stream_version").pluck().all(`certificate-${siteId}`) as string[];
      const [first, second] = stream.map((d) => JSON.parse(d));
      expect(stream).toHaveLength(2);
      expect(second).toMatchObject({ force: true, hsts: true, reason: 'operator', domains: first.domains });
      expect(second.requestId).not.toBe(first.requestId);
      // the first failure was replaced by the retry's request: retrying it again changes nothing
      const before = t.eventCount();
      const stale = await t.request('POST', `/api/v1/jobs/${failedJob}/retry`);
      expect([stale.status, stale.body.code]).toEqual([409, 'JOB_NOT_RETRYABLE']);
      expect(t.eventCount()).toBe(before);
    });

    it('a failed backup deletion is asked for again for the same backups, and they are deleted', async () => {
      backup.succeedWith({
        contents: { parts: [{ name: 'db', file: 'db.sql.gz', size: 1, sha256: 'a'.repeat(64) }], size: 1, locations: [{ kind: 'node', nodeId: 'n', path: '/x' }], releaseId: 'r1', wordpressVersion: '6.1', tableCount: 1 },
      });
      const taken = (await t.request('POST', `/api/v1/sites/${siteId}/environments/production/backups`, { scope: 'db' })).body;
      await finished(taken.job.id);
      prune.failWith('BACKUP_DELETE_FAILED', 'rm: cannot remove', false);
      const deletion = await t.request('DELETE', `/api/v1/sites/${siteId}/backups/${taken.backupId}`);
      expect(deletion.status).toBe(202);
      const failedJob = deletion.body.job.id as string;
      expect(await finished(failedJob)).toMatchObject({ state: 'failed' });

      prune.succeedWith({ deleted: [taken.backupId], absent: [] });
      const retry = await t.request('POST', `/api/v1/jobs/${failedJob}/retry`);
      expect(retry.status).toBe(202);
      expect(retry.body.job).toMatchObject({ kind: 'site.backup-prune', siteId });
      expect(await finished(retry.body.job.id)).toMatchObject({ state: 'succeeded' });
      const types = (await siteEvents()).map((e) => e.type);
      expect(types.slice(-4)).toEqual(['BackupDeletionRequested', 'BackupDeletionFailed', 'BackupDeletionRequested', 'BackupDeleted']);
      expect((await t.request('GET', `/api/v1/sites/${siteId}/environments/production/backups`)).body.items).toEqual([]);
      // nothing is left to delete: a second retry of the failed job is refused and appends nothing
      const before = t.eventCount();
      const again = await t.request('POST', `/api/v1/jobs/${failedJob}/retry`);
      expect([again.status, again.body.code]).toEqual([409, 'JOB_NOT_RETRYABLE']);
      expect(t.eventCount()).toBe(before);
    });
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
