/**
 * Which certificate failures are retried (issue 12.3): a rate limit or an ACME server error is asked
 * again after the queue's backoff; a name pointed elsewhere, a name the CA refuses and a configuration
 * nginx refuses are not. The real site.certificate handler on a real SQLite file (sites and certificate
 * requests made through the API), with the real worker and queue in the second part. Only the node side
 * is scripted: the runner answers like AnsibleRemoteRunner does when site-certificate.yml stops with its
 * pl_result.error (a REMOTE_RUN_FAILED of rc 2, not retryable, with the playbook's result as `outputs`).
 * The playbook itself against pebble: test/playbooks/site-certificate.e2e.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IssueCertificateJobHandler } from '../../../../src/application/certificates/issue-certificate/issue-certificate.job-handler';
import { CertificateSettings } from '../../../../src/application/ports/certificate-settings.port';
import { EventStore } from '../../../../src/application/ports/event-store.port';
import { JobFailure, type JobContext, type JobHandler, type JobRecord } from '../../../../src/application/ports/job-queue.port';
import type { RemoteRunResult, RunOptions } from '../../../../src/application/ports/remote-runner.port';
import { testJobContext } from '../../../support/job-context';
import { pollUntil } from '../../../support/poll-until';
import { scriptedSiteJobSupport } from '../../../support/scripted-site-job-support';
import { startTestApp, TestApp } from '../../../support/test-app';
import { ScriptedHandler } from '../../../support/test-job-handlers';

const DAY = 86_400_000;

/** The task site-certificate.yml stops in for each error code it reports in pl_result.error. */
const STOP_TASK: Record<string, string> = {
  CERT_DOMAIN_UNREACHABLE: 'Stop after the failed issuance (the previous state is untouched)',
  CERT_DOMAIN_REJECTED: 'Stop after the failed issuance (the previous state is untouched)',
  CERT_ACME_RATE_LIMITED: 'Stop after the failed issuance (the previous state is untouched)',
  CERT_ACME_FAILED: 'Stop after the failed issuance (the previous state is untouched)',
  CERT_INSTALL_FAILED: 'Stop after the failed installation',
};

type Outcome = { fail: string; domains?: string[] } | { issue: true; httpsSwitch?: unknown } | { runnerFailure: JobFailure };

/**
 * site-certificate.yml's answers as the runner delivers them: a failure is the runner's rc-2
 * REMOTE_RUN_FAILED (retryable false) carrying the playbook's pl_result with its error; a success is the
 * pl_result of an installed certificate. Every run is recorded with its attempt, step and time.
 */
class ScriptedCertificateRunner {
  readonly runs: { playbook: string; vars: Record<string, unknown>; step: string | undefined; attempt: number; jobId: string; at: number }[] = [];
  script: (attempt: number) => Outcome = () => ({ issue: true });

  async run(_node: unknown, playbook: string, vars: Record<string, unknown>, ctx: JobContext, options?: RunOptions): Promise<RemoteRunResult> {
    const domains = [String(vars.primary_domain), ...((vars.domain_aliases as string[]) ?? [])];
    const outcome = this.script(ctx.job.attempt);
    const runId = `run-${this.runs.length + 1}`;
    this.runs.push({ playbook, vars, step: options?.step, attempt: ctx.job.attempt, jobId: ctx.job.id, at: Date.now() });
    const before = { domains, serial: null, not_before: null, not_after: null, renew_at: null, renewed: false, reason: 'missing' };
    if ('runnerFailure' in outcome) throw outcome.runnerFailure;
    if ('fail' in outcome) {
      const task = STOP_TASK[outcome.fail];
      const error = { code: outcome.fail, message: `${outcome.fail} as site-certificate.yml words it`, domains: outcome.domains ?? domains };
      throw new JobFailure('REMOTE_RUN_FAILED', `one or more tasks failed (rc 2): task "${task}" failed`, false, {
        runId,
        rc: 2,
        changed: 0,
        failedTasks: [{ task, host: 'localhost', msg: `${error.code}: ${error.message}` }],
        outputs: { ...before, error },
      });
    }
    const outputs = {
      ...before,
      renewed: true,
      serial: '5e7a11',
      not_before: new Date(Date.now() - DAY).toISOString(),
      not_after: new Date(Date.now() + 89 * DAY).toISOString(),
      renew_at: new Date(Date.now() + 59 * DAY).toISOString(),
      hsts: false,
      https_urls: {},
      ...('httpsSwitch' in outcome ? { https_urls: { wp_options: 2 }, https_switch: outcome.httpsSwitch } : {}),
    };
    return { runId, rc: 0, stats: {}, changed: 1, failedTasks: [], reattached: false, outputs, recorded: false };
  }
}

/** The production handler over the scripted runner, built from the app's own store and settings. */
const realHandler = (t: TestApp, runner: ScriptedCertificateRunner) =>
  new IssueCertificateJobHandler(scriptedSiteJobSupport(t, runner), t.app.get(EventStore), t.app.get(CertificateSettings));

async function activeSite(t: TestApp, nodeId: string, domain: string): Promise<string> {
  const res = await t.request('POST', '/api/v1/sites', { name: domain, nodeId, domain, adminEmail: 'a@example.com' });
  expect(res.status).toBe(202);
  const id = res.body.site.id as string;
  await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000, description: 'site ACTIVE' });
  return id;
}

// No site.certificate-request handler in either app: the automatic request after create stays queued,
// so the only certificate request of a site is the explicit one each test makes.
const ENV = { PRESSLUFT_ACME_EMAIL: 'ops@example.com', PRESSLUFT_CERT_CHECK_INTERVAL_MS: '0' };

describe('IssueCertificateJobHandler: classification of the failures site-certificate.yml reports', () => {
  let t: TestApp;
  const runner = new ScriptedCertificateRunner();
  let handler: IssueCertificateJobHandler;
  let job: JobRecord;

  beforeAll(async () => {
    // no site.certificate handler either: the requested job stays queued and is handed to the handler here
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision')], env: ENV });
    handler = realHandler(t, runner);
    const nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'cert-classify', host: '10.254.249.2' })).body.node.id;
    const siteId = await activeSite(t, nodeId, 'classify.example.com');
    const requested = await t.request('POST', `/api/v1/sites/${siteId}/environments/production/certificates`, {});
    expect(requested.status).toBe(202);
    const row = t.db.prepare('SELECT id, kind, payload, correlation_id AS correlationId FROM jobs WHERE id = ?').get(requested.body.job.id) as {
      id: string; kind: string; payload: string; correlationId: string;
    };
    job = { ...row, payload: JSON.parse(row.payload), attempt: 1, run: 1, siteId } as unknown as JobRecord;
  });
  afterAll(() => t.close());

  const failureOf = async (outcome: Outcome): Promise<JobFailure> => {
    runner.script = () => outcome;
    const err = await handler.handle(testJobContext(job)).then(
      () => { throw new Error('the handler succeeded'); },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(JobFailure);
    return err as JobFailure;
  };

  it.each([
    ['CERT_ACME_RATE_LIMITED', true],
    ['CERT_ACME_FAILED', true],
    ['CERT_DOMAIN_UNREACHABLE', false],
    ['CERT_DOMAIN_REJECTED', false],
    ['CERT_INSTALL_FAILED', false],
  ])('given the playbook stops with %s, when the handler runs, then it throws that code with retryable %s and the names', async (code, retryable) => {
    const failure = await failureOf({ fail: code, domains: ['classify.example.com'] });
    expect({ code: failure.code, retryable: failure.retryable, summary: failure.summary }).toEqual({ code, retryable, summary: { domains: ['classify.example.com'] } });
    expect(failure.message).toBe(`${code} as site-certificate.yml words it`);
    expect(runner.runs.at(-1)).toMatchObject({ playbook: 'site-certificate', step: 'site-certificate-1', vars: { primary_domain: 'classify.example.com', acme_email: 'ops@example.com' } });
  });

  it('given the snapshots around the https switch, then the summary carries both only when both were taken, else the job log says why', async () => {
    const snapshot = (checksum: string) => ({ ok: true, takenAt: '2026-12-04T10:00:00.000Z', database: 's_x', prefix: 'wp_', tables: [{ name: 'wp_options', rows: 10, checksum }], uploads: null });
    runner.script = () => ({ issue: true, httpsSwitch: { before: snapshot('1'), after: snapshot('2') } });
    const taken = await handler.handle(testJobContext(job));
    expect(taken.summary?.httpsSwitch).toEqual({
      before: { ...snapshot('1'), ok: undefined, uploads: { files: 0, bytes: 0, sha256: '' } },
      after: { ...snapshot('2'), ok: undefined, uploads: { files: 0, bytes: 0, sha256: '' } },
    });
    runner.script = () => ({ issue: true, httpsSwitch: { before: snapshot('1'), after: { ok: false, reason: 'mariadb went away' } } });
    const ctx = testJobContext(job);
    const failed = await handler.handle(ctx);
    expect(failed.summary).not.toHaveProperty('httpsSwitch');
    expect(ctx.lines.join('\n')).toContain('no snapshots around the switch (mariadb went away)');
  });

  it('given the error codes site-certificate.yml names, then the cases above are all of them', () => {
    const playbook = readFileSync(resolve(__dirname, '../../../../playbooks/site-certificate.yml'), 'utf8');
    const codes = new Set(playbook.match(/\bCERT_[A-Z_]+\b/g));
    expect([...codes].sort()).toEqual(Object.keys(STOP_TASK).sort());
  });

  it('given a runner failure without a CERT_ error (a lost run, a failed variable check), then it keeps the code and flag of the runner', async () => {
    const lost = new JobFailure('REMOTE_RUN_LOST', 'run r1 ended without recording a result', true, { outputs: null });
    expect(await failureOf({ runnerFailure: lost })).toBe(lost);
    const asserted = new JobFailure('REMOTE_RUN_FAILED', 'one or more tasks failed (rc 2): task "Check the variables" failed', false, { outputs: null });
    expect(await failureOf({ runnerFailure: asserted })).toMatchObject({ code: 'REMOTE_RUN_FAILED', retryable: false });
  });
});

describe('the job queue retries a certificate job after a rate limit, not after an unreachable domain', () => {
  let t: TestApp;
  const runner = new ScriptedCertificateRunner();
  let nodeId: string;
  let n = 0;
  let randomSpy: jest.SpyInstance;

  beforeAll(async () => {
    // The queue's backoff is full jitter (random() * cap, floored): a draw near 0 would schedule the
    // next attempt in the very millisecond of the failure. Draws come from the upper half here so that
    // "later than the failure" always holds; the queue takes Math.random when the app is built.
    const random = Math.random;
    randomSpy = jest.spyOn(Math, 'random').mockImplementation(() => 0.5 + random() / 2);
    let handler: IssueCertificateJobHandler | undefined;
    const certificate: JobHandler = { kind: 'site.certificate', handle: (ctx) => (handler ??= realHandler(t, runner)).handle(ctx) };
    t = await startTestApp({
      jobHandlers: [new ScriptedHandler('site.provision'), certificate],
      // short backoff caps (attempt 1: 100-200 ms, then doubling) so the retries happen within the test
      env: { ...ENV, PRESSLUFT_JOB_BACKOFF_BASE_MS: '200', PRESSLUFT_JOB_BACKOFF_MAX_MS: '800' },
    });
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'cert-retry', host: '10.254.249.3' })).body.node.id;
  });
  afterAll(async () => {
    await t.close();
    randomSpy.mockRestore();
  });

  const requestCertificate = async (): Promise<{ siteId: string; jobId: string; domain: string }> => {
    const domain = `retry${++n}.example.com`;
    const siteId = await activeSite(t, nodeId, domain);
    const res = await t.request('POST', `/api/v1/sites/${siteId}/environments/production/certificates`, {});
    expect(res.status).toBe(202);
    return { siteId, jobId: res.body.job.id, domain };
  };
  const finished = (jobId: string) =>
    pollUntil(() => {
      const row = t.db.prepare('SELECT state, attempt, max_attempts AS maxAttempts, last_error AS lastError FROM jobs WHERE id = ?').get(jobId) as {
        state: string; attempt: number; maxAttempts: number; lastError: string | null;
      };
      return ['succeeded', 'failed', 'cancelled'].includes(row.state) ? row : undefined;
    }, { timeoutMs: 20_000, intervalMs: 20, description: `job ${jobId} finished` });
  const jobEvents = (jobId: string) =>
    (t.db.prepare('SELECT type, data FROM events WHERE stream_id = ? ORDER BY stream_version').all(`job-${jobId}`) as { type: string; data: string }[]).map((e) => {
      const data = JSON.parse(e.data) as { attempt?: number; runAfter?: string; error?: { code: string } };
      return { label: `${e.type}${data.attempt ? `/${data.attempt}` : ''}`, data };
    });
  const certificateEvents = (siteId: string) =>
    (t.db.prepare('SELECT type, data FROM events WHERE stream_id = ? ORDER BY stream_version').all(`certificate-${siteId}`) as { type: string; data: string }[]).map((e) => ({
      type: e.type,
      data: JSON.parse(e.data),
    }));
  const runsOf = (jobId: string) => runner.runs.filter((r) => r.jobId === jobId);

  it('given the CA rate-limits the first attempt, when the worker runs the job, then attempt 2 runs after the backoff and issues the certificate', async () => {
    runner.script = (attempt) => (attempt === 1 ? { fail: 'CERT_ACME_RATE_LIMITED' } : { issue: true });
    const { siteId, jobId } = await requestCertificate();
    expect(await finished(jobId)).toMatchObject({ state: 'succeeded', attempt: 2 });

    const events = jobEvents(jobId);
    expect(events.map((e) => e.label)).toEqual(['JobQueued', 'JobStarted/1', 'JobRetryScheduled/1', 'JobStarted/2', 'JobSucceeded/2']);
    const retry = events[2].data;
    expect(retry.error).toMatchObject({ code: 'CERT_ACME_RATE_LIMITED' });
    // a new run per attempt (not the recorded failure replayed), the second one not before run_after,
    // which is later than the failure
    const [first, second] = runsOf(jobId);
    expect([first.step, second.step]).toEqual(['site-certificate-1', 'site-certificate-2']);
    const runAfter = Date.parse(retry.runAfter!);
    expect(runAfter).toBeGreaterThan(first.at);
    expect(second.at).toBeGreaterThanOrEqual(runAfter);
    // the retry is the queue's business: the certificate stream sees one request and its outcome
    expect(certificateEvents(siteId).map((e) => e.type)).toEqual(['CertificateRequested', 'CertificateIssued']);
  });

  it('given the ACME server fails every attempt, then the job is tried max_attempts times, each after a later run_after, and ends failed with CERT_ACME_FAILED', async () => {
    runner.script = () => ({ fail: 'CERT_ACME_FAILED' });
    const { siteId, jobId, domain } = await requestCertificate();
    const done = await finished(jobId);
    expect(done).toMatchObject({ state: 'failed', attempt: done.maxAttempts });
    expect(done.maxAttempts).toBeGreaterThan(1);
    expect(JSON.parse(done.lastError!)).toMatchObject({ code: 'CERT_ACME_FAILED' });

    const labels = jobEvents(jobId).map((e) => e.label);
    const attempts = Array.from({ length: done.maxAttempts }, (_, i) => i + 1);
    expect(labels).toEqual([
      'JobQueued',
      ...attempts.flatMap((a) => (a < done.maxAttempts ? [`JobStarted/${a}`, `JobRetryScheduled/${a}`] : [`JobStarted/${a}`, `JobFailed/${a}`])),
    ]);
    const retries = jobEvents(jobId).filter((e) => e.label.startsWith('JobRetryScheduled'));
    const runs = runsOf(jobId);
    expect(runs.map((r) => r.attempt)).toEqual(attempts);
    retries.forEach((r, i) => {
      const runAfter = Date.parse(r.data.runAfter!);
      expect(runAfter).toBeGreaterThan(runs[i].at);
      expect(runs[i + 1].at).toBeGreaterThanOrEqual(runAfter);
    });
    const outcome = certificateEvents(siteId);
    expect(outcome.map((e) => e.type)).toEqual(['CertificateRequested', 'CertificateFailed']);
    expect(outcome[1].data).toMatchObject({ error: { code: 'CERT_ACME_FAILED' }, domains: [domain] });
  });

  it('given the domain does not point at the node, when the worker runs the job, then it is not retried and ends failed with CERT_DOMAIN_UNREACHABLE', async () => {
    runner.script = () => ({ fail: 'CERT_DOMAIN_UNREACHABLE' });
    const { siteId, jobId, domain } = await requestCertificate();
    const done = await finished(jobId);
    expect(done).toMatchObject({ state: 'failed', attempt: 1 });
    expect(done.maxAttempts).toBeGreaterThan(1); // attempts were left: the classification stopped it
    expect(JSON.parse(done.lastError!)).toMatchObject({ code: 'CERT_DOMAIN_UNREACHABLE' });
    expect(jobEvents(jobId).map((e) => e.label)).toEqual(['JobQueued', 'JobStarted/1', 'JobFailed/1']);
    expect(runsOf(jobId).map((r) => r.attempt)).toEqual([1]);
    const outcome = certificateEvents(siteId);
    expect(outcome.map((e) => e.type)).toEqual(['CertificateRequested', 'CertificateFailed']);
    expect(outcome[1].data).toMatchObject({ error: { code: 'CERT_DOMAIN_UNREACHABLE' }, domains: [domain] });
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body.state).toBe('ACTIVE');
  });
});
