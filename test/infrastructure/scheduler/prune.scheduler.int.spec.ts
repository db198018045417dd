import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';

/** Issue 13.11: run_events and job_log are pruned on a schedule by their retention settings. */
describe('scheduled prune of run_events and job_log', () => {
  let t: TestApp;
  const DAY = 86_400_000;
  beforeAll(async () => {
    t = await startTestApp({ env: { PRESSLUFT_PRUNE_INTERVAL_MS: '100', PRESSLUFT_RUN_EVENTS_RETENTION_DAYS: '7', PRESSLUFT_JOB_LOG_RETENTION_DAYS: '3' } });
  });
  afterAll(() => t.close());

  function job(id: string, finishedAt: number | null) {
    t.db
      .prepare(
        `INSERT INTO jobs (id, kind, payload, state, max_attempts, run_after, correlation_id, actor, created_at, updated_at, finished_at)
         VALUES (?, 'test.kind', '{}', ?, 1, 0, 'c', 'system', 0, 0, ?)`,
      )
      .run(id, finishedAt === null ? 'running' : 'succeeded', finishedAt);
    for (let seq = 1; seq <= 3; seq++) t.db.prepare('INSERT INTO job_log (job_id, seq, at, text) VALUES (?, ?, ?, ?)').run(id, seq, 'x', `line ${seq}`);
  }
  function run(id: string, finishedAt: number | null) {
    t.db
      .prepare(`INSERT INTO remote_runs (run_id, node_id, playbook, bundle_hash, state, created_at, finished_at) VALUES (?, 'n', 'p.yml', 'h', 'succeeded', 0, ?)`)
      .run(id, finishedAt);
    for (let seq = 1; seq <= 3; seq++) t.db.prepare(`INSERT INTO run_events (run_id, seq, event, data) VALUES (?, ?, 'runner_on_ok', '{}')`).run(id, seq);
  }
  const count = (sql: string, id: string) => t.db.prepare(sql).pluck().get(id) as number;

  it('deletes the rows of jobs and runs finished longer ago than the retention, keeps newer and unfinished ones', async () => {
    const now = Date.now();
    job('oldjob', now - 4 * DAY);
    job('newjob', now - 2 * DAY);
    job('livejob', null);
    run('oldrun', now - 8 * DAY);
    run('newrun', now - 6 * DAY);
    run('liverun', null);
    const lines = (id: string) => count('SELECT COUNT(*) FROM job_log WHERE job_id = ?', id);
    const events = (id: string) => count('SELECT COUNT(*) FROM run_events WHERE run_id = ?', id);
    await pollUntil(() => lines('oldjob') === 0 && events('oldrun') === 0, { timeoutMs: 10_000, intervalMs: 50, description: 'old rows pruned' });
    expect([lines('newjob'), lines('livejob'), events('newrun'), events('liverun')]).toEqual([3, 3, 3, 3]);
  });
});
