import type { Statement } from 'better-sqlite3';
import type { EnqueuedJob, JobRequest } from '../../application/ports/event-store.port';
import type { JobError, JobRecord, JobState } from '../../application/ports/job-queue.port';
import { type Database, immediate } from '../sqlite/database';

export interface QueueClock {
  nowMs(): number;
}

export interface SqliteJobQueueOptions {
  /** First retry delay cap (ms); doubles per attempt. */
  readonly backoffBaseMs?: number;
  /** Upper bound of the retry delay cap (ms). */
  readonly backoffMaxMs?: number;
  readonly defaultMaxAttempts?: number;
}

export interface EnqueueRequest extends JobRequest {
  readonly id: string;
  readonly correlationId: string;
  readonly actor: string;
  /** Lower runs first among jobs with the same run_after (the jobs_ready index order). */
  readonly priority?: number;
}

export type FailOutcome = 'retry_wait' | 'failed';
export type CancelOutcome = 'cancelled' | 'requested';

const JOB_STATES: readonly JobState[] = ['queued', 'running', 'retry_wait', 'succeeded', 'failed', 'cancelled'];
const UNFINISHED = `('queued', 'running', 'retry_wait')`;
/** Error stored when a lease runs out (the worker died or stalled). */
export const LEASE_EXPIRED_ERROR: JobError = { code: 'JOB_TIMEOUT', message: 'lease expired: the worker stopped heartbeating' };

/** Full-jitter exponential backoff: random() * min(max, base * 2^(attempt-1)). */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.floor(random() * cap);
}

/**
 * One ready-set branch of the claim. `state IN (...)` repeats the partial index's WHERE verbatim:
 * SQLite only uses a partial index when the query contains its condition, and `state = 'queued'`
 * alone does not count. With the equality too, each branch walks jobs_ready in
 * (run_after, priority, id) order and stops at the first claimable row: no sort, no table access.
 * cancel_requested is not checked here (it is not in the covering index): every op keeps it 0 on
 * queued/retry_wait rows (cancel of a waiting job finishes it at once; retry clears the flag).
 */
const readyBranch = (state: 'queued' | 'retry_wait'): string => `
  SELECT * FROM (
    SELECT id, run_after, priority FROM jobs j
    WHERE state IN ('queued', 'retry_wait') AND state = '${state}' AND run_after <= @now
      AND kind IN (SELECT value FROM json_each(@kinds))
      AND (concurrency_key IS NULL OR NOT EXISTS (
        SELECT 1 FROM jobs r WHERE r.state = 'running' AND r.concurrency_key = j.concurrency_key))
    ORDER BY run_after, priority, id LIMIT 1)`;

export const CLAIM_SQL = `
UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_owner = @worker,
  lease_expires_at = @now + @leaseMs, heartbeat_at = @now, updated_at = @now
WHERE state IN ('queued', 'retry_wait') AND id = (
  SELECT id FROM (${readyBranch('queued')} UNION ALL ${readyBranch('retry_wait')})
  ORDER BY run_after, priority, id LIMIT 1)
RETURNING *`;

/** Earliest future run_after (same index walk as the claim): how long an idle worker may sleep. */
const nextDueBranch = (state: 'queued' | 'retry_wait'): string => `
  SELECT * FROM (
    SELECT run_after FROM jobs WHERE state IN ('queued', 'retry_wait') AND state = '${state}'
      AND run_after > @now AND kind IN (SELECT value FROM json_each(@kinds))
    ORDER BY run_after LIMIT 1)`;

interface JobRow {
  id: string;
  kind: string;
  payload: string;
  state: JobState;
  attempt: number;
  max_attempts: number;
  run: number;
  run_after: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  concurrency_key: string | null;
  dedup_key: string | null;
  cancel_requested: number;
  remote_run_id: string | null;
  last_error: string | null;
  site_id: string | null;
  node_id: string | null;
  correlation_id: string;
  actor: string;
  created_at: number;
  updated_at: number;
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    state: row.state,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    run: row.run ?? 1,
    runAfter: row.run_after,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    concurrencyKey: row.concurrency_key,
    dedupKey: row.dedup_key,
    cancelRequested: row.cancel_requested !== 0,
    remoteRunId: row.remote_run_id,
    lastError: row.last_error === null ? null : (JSON.parse(row.last_error) as JobError),
    siteId: row.site_id,
    nodeId: row.node_id,
    correlationId: row.correlation_id,
    actor: row.actor,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The job queue as small named SQL operations (graphile-worker / river style). Safe for several
 * processes on one file: every write is a single guarded statement or runs in BEGIN IMMEDIATE
 * (`immediate` joins the caller's transaction, so the lead can wrap an op and its job event in one).
 */
export class SqliteJobQueue {
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly defaultMaxAttempts: number;
  private readonly s: Record<string, Statement>;

  constructor(
    private readonly db: Database,
    private readonly clock: QueueClock,
    private readonly random: () => number = Math.random,
    options: SqliteJobQueueOptions = {},
  ) {
    this.baseMs = options.backoffBaseMs ?? 1_000;
    this.maxMs = options.backoffMaxMs ?? 300_000;
    this.defaultMaxAttempts = options.defaultMaxAttempts ?? 5;
    const running = `id = @id AND lease_owner = @worker AND state = 'running'`; // the worker-id guard
    const p = (sql: string): Statement => db.prepare(sql);
    this.s = {
      // The conflict target names the dedup partial index: a duplicate dedup key inserts nothing,
      // while a duplicate id still throws.
      insert: p(`INSERT INTO jobs (id, kind, payload, state, attempt, max_attempts, run_after, priority,
          concurrency_key, dedup_key, site_id, node_id, correlation_id, actor, created_at, updated_at)
        VALUES (@id, @kind, @payload, 'queued', 0, @maxAttempts, @runAfter, @priority,
          @concurrencyKey, @dedupKey, @siteId, @nodeId, @correlationId, @actor, @now, @now)
        ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL AND state IN ${UNFINISHED} DO NOTHING`),
      unfinishedByDedup: p(`SELECT id FROM jobs WHERE dedup_key = ? AND state IN ${UNFINISHED}`),
      claim: p(CLAIM_SQL),
      nextDue: p(`SELECT min(run_after) AS next FROM (${nextDueBranch('queued')} UNION ALL ${nextDueBranch('retry_wait')})`),
      heartbeat: p(`UPDATE jobs SET lease_expires_at = @now + @leaseMs, heartbeat_at = @now, updated_at = @now
        WHERE ${running} RETURNING cancel_requested`),
      cancelRequested: p(`SELECT cancel_requested FROM jobs WHERE id = ?`),
      complete: p(`UPDATE jobs SET state = 'succeeded', lease_expires_at = NULL, finished_at = @now, updated_at = @now
        WHERE ${running}`),
      runningGuarded: p(`SELECT attempt, max_attempts, cancel_requested FROM jobs WHERE ${running}`),
      fail: p(`UPDATE jobs SET state = @state, run_after = @runAfter, last_error = @error,
          lease_owner = CASE WHEN @state = 'failed' THEN lease_owner END, lease_expires_at = NULL,
          finished_at = CASE WHEN @state = 'failed' THEN @now END, updated_at = @now
        WHERE ${running}`),
      // Graceful shutdown is not the job's fault: give the attempt back and requeue at once.
      release: p(`UPDATE jobs SET state = 'queued', attempt = max(attempt - 1, 0), run_after = @now,
          lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
        WHERE ${running} AND cancel_requested = 0`),
      markCancelled: p(`UPDATE jobs SET state = 'cancelled', lease_expires_at = NULL, finished_at = @now, updated_at = @now
        WHERE ${running}`),
      cancelWaiting: p(`UPDATE jobs SET state = 'cancelled', finished_at = @now, updated_at = @now
        WHERE id = @id AND state IN ('queued', 'retry_wait')`),
      cancelRunning: p(`UPDATE jobs SET cancel_requested = 1, updated_at = @now WHERE id = @id AND state = 'running'`),
      // A retry is a new run of the job (run + 1, attempts from 0, no remote run of its own yet). It must
      // not break the one-unfinished-job-per-dedup-key rule: refuse instead.
      retry: p(`UPDATE jobs SET state = 'queued', run = run + 1, attempt = 0, cancel_requested = 0, run_after = @now, remote_run_id = NULL,
          lease_owner = NULL, lease_expires_at = NULL, heartbeat_at = NULL, finished_at = NULL, updated_at = @now
        WHERE id = @id AND state IN ('failed', 'cancelled') AND (dedup_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM jobs o WHERE o.dedup_key = jobs.dedup_key AND o.state IN ${UNFINISHED}))`),
      setRemoteRunId: p(`UPDATE jobs SET remote_run_id = @runId, updated_at = @now WHERE ${running}`),
      failWaiting: p(`UPDATE jobs SET state = 'failed', last_error = @error, lease_owner = NULL, lease_expires_at = NULL,
          finished_at = @now, updated_at = @now WHERE id = @id AND state IN ('queued', 'retry_wait')`),
      // Expired leases: re-queue now (the next attempt re-attaches via remote_run_id), unless the
      // attempts are used up or a cancel was pending.
      sweep: p(`UPDATE jobs SET
          state = CASE WHEN cancel_requested = 1 THEN 'cancelled' WHEN attempt >= max_attempts THEN 'failed' ELSE 'retry_wait' END,
          finished_at = CASE WHEN cancel_requested = 1 OR attempt >= max_attempts THEN @now END,
          run_after = @now, last_error = @error, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
        WHERE state = 'running' AND lease_expires_at < @now
        RETURNING *`),
      get: p(`SELECT * FROM jobs WHERE id = ?`),
      counts: p(`SELECT state, count(*) AS n FROM jobs GROUP BY state`),
    };
  }

  /** Plain INSERT for use inside the caller's transaction (the event store's append). */
  enqueue(req: EnqueueRequest): EnqueuedJob {
    const now = this.clock.nowMs();
    const info = this.s.insert.run({
      id: req.id,
      kind: req.kind,
      payload: JSON.stringify(req.payload),
      maxAttempts: req.maxAttempts ?? this.defaultMaxAttempts,
      runAfter: now + (req.delayMs ?? 0),
      priority: req.priority ?? 0,
      concurrencyKey: req.concurrencyKey ?? null,
      dedupKey: req.dedupKey ?? null,
      siteId: req.siteId ?? null,
      nodeId: req.nodeId ?? null,
      correlationId: req.correlationId,
      actor: req.actor,
      now,
    });
    if (info.changes === 1) return { id: req.id, kind: req.kind, created: true };
    const existing = this.s.unfinishedByDedup.get(req.dedupKey) as { id: string } | undefined;
    // Only reachable without an outer transaction, if the duplicate finished in between: try again.
    if (!existing) return this.enqueue(req);
    return { id: existing.id, kind: req.kind, created: false };
  }

  /** Takes the oldest ready job of these kinds whose concurrency key is free; one UPDATE … RETURNING. */
  claim(workerId: string, kinds: readonly string[], leaseMs: number): JobRecord | undefined {
    if (kinds.length === 0) return undefined;
    const params = { worker: workerId, kinds: JSON.stringify(kinds), leaseMs, now: this.clock.nowMs() };
    const row = immediate(this.db, () => this.s.claim.get(params)) as JobRow | undefined;
    return row && toRecord(row);
  }

  /** Epoch ms of the next not-yet-due ready job of these kinds, if any (idle sleep bound). */
  /**
   * The earliest run_after later than `after` (default: now) of a waiting job of these kinds. A worker
   * passes the time of its last empty claim: a retry that fell due since then comes back (at once), one
   * that was due but blocked (its concurrency key busy) does not, so the worker neither misses nor spins.
   */
  nextRunAfter(kinds: readonly string[], after = this.clock.nowMs()): number | undefined {
    const row = this.s.nextDue.get({ kinds: JSON.stringify(kinds), now: after }) as { next: number | null };
    return row.next ?? undefined;
  }

  /** Extends the lease. False when the lease is lost or a cancel was requested (see isCancelRequested). */
  heartbeat(jobId: string, workerId: string, leaseMs: number): boolean {
    const row = this.s.heartbeat.get({ id: jobId, worker: workerId, leaseMs, now: this.clock.nowMs() }) as
      | { cancel_requested: number }
      | undefined;
    return row !== undefined && row.cancel_requested === 0;
  }

  isCancelRequested(jobId: string): boolean {
    const row = this.s.cancelRequested.get(jobId) as { cancel_requested: number } | undefined;
    return row?.cancel_requested === 1;
  }

  complete(jobId: string, workerId: string): boolean {
    return this.s.complete.run({ id: jobId, worker: workerId, now: this.clock.nowMs() }).changes === 1;
  }

  /** retry_wait with backoff, or failed when not retryable / attempts used up / cancel pending. */
  fail(jobId: string, workerId: string, error: JobError, opts: { retryable: boolean }): FailOutcome | false {
    return immediate(this.db, () => {
      const now = this.clock.nowMs();
      const guard = { id: jobId, worker: workerId };
      const cur = this.s.runningGuarded.get(guard) as
        | { attempt: number; max_attempts: number; cancel_requested: number }
        | undefined;
      if (!cur) return false;
      const retry = opts.retryable && cur.attempt < cur.max_attempts && cur.cancel_requested === 0;
      const state: FailOutcome = retry ? 'retry_wait' : 'failed';
      const runAfter = retry ? now + backoffDelayMs(cur.attempt, this.baseMs, this.maxMs, this.random) : now;
      const lastError = JSON.stringify({ code: error.code, message: error.message });
      this.s.fail.run({ ...guard, state, runAfter, error: lastError, now });
      return state;
    });
  }

  /** Gives a running job back to the queue (graceful worker shutdown); the attempt is not counted. */
  release(jobId: string, workerId: string): boolean {
    return this.s.release.run({ id: jobId, worker: workerId, now: this.clock.nowMs() }).changes === 1;
  }

  /** The worker acknowledges a requested cancel. */
  markCancelled(jobId: string, workerId: string): boolean {
    return this.s.markCancelled.run({ id: jobId, worker: workerId, now: this.clock.nowMs() }).changes === 1;
  }

  /** Waiting jobs are cancelled at once; running ones get the flag (cooperative); finished: false. */
  requestCancel(jobId: string): CancelOutcome | false {
    return immediate(this.db, () => {
      const p = { id: jobId, now: this.clock.nowMs() };
      if (this.s.cancelWaiting.run(p).changes === 1) return 'cancelled';
      if (this.s.cancelRunning.run(p).changes === 1) return 'requested';
      return false;
    });
  }

  /** failed|cancelled -> queued as the job's next run (run + 1, fresh attempt count). False otherwise (or dedup key taken). */
  retry(jobId: string): boolean {
    return this.s.retry.run({ id: jobId, now: this.clock.nowMs() }).changes === 1;
  }

  /** A waiting job that can never start (see recordingQueue's claim) -> failed, without an attempt. */
  failWaiting(jobId: string, error: JobError): boolean {
    const params = { id: jobId, error: JSON.stringify({ code: error.code, message: error.message }), now: this.clock.nowMs() };
    return this.s.failWaiting.run(params).changes === 1;
  }

  /** Stored before the remote launch so a later attempt re-attaches. False when the lease is lost. */
  setRemoteRunId(jobId: string, workerId: string, runId: string): boolean {
    return this.s.setRemoteRunId.run({ id: jobId, worker: workerId, runId, now: this.clock.nowMs() }).changes === 1;
  }

  /** Running jobs with an expired lease -> retry_wait now (or failed/cancelled); returns the new rows. */
  sweepExpiredLeases(): JobRecord[] {
    const params = { now: this.clock.nowMs(), error: JSON.stringify(LEASE_EXPIRED_ERROR) };
    const rows = immediate(this.db, () => this.s.sweep.all(params)) as JobRow[];
    return rows.map(toRecord);
  }

  get(id: string): JobRecord | undefined {
    const row = this.s.get.get(id) as JobRow | undefined;
    return row && toRecord(row);
  }

  counts(): Record<JobState, number> {
    const out = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const r of this.s.counts.all() as { state: JobState; n: number }[]) out[r.state] = r.n;
    return out;
  }
}
