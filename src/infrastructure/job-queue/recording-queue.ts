import type { JobLifecycleRecorder } from '../../application/jobs/job-lifecycle/job-lifecycle.recorder';
import type { JobError, JobRecord } from '../../application/ports/job-queue.port';
import { Database, immediate } from '../sqlite/database';
import type { WorkerQueue } from './job-worker';
import { LEASE_EXPIRED_ERROR, type SqliteJobQueue } from './sqlite-job-queue';

/**
 * The worker's queue, with each state change and its job event (plus the site/node outcome) written in
 * one transaction: the jobs table and the event log can never disagree about a job.
 */
export function recordingQueue(db: Database, queue: SqliteJobQueue, recorder: JobLifecycleRecorder): WorkerQueue {
  const tx = <T>(fn: () => T) => immediate(db, fn);
  const current = (id: string) => queue.get(id) as JobRecord;
  return {
    claim: (workerId, kinds, leaseMs) => {
      // A job whose start the job log refuses (its record disagrees with the queue) would be claimed
      // again on every poll and stall the queue behind it: fail it with a code and claim the next one.
      for (let tries = 0; tries < MAX_REFUSED_PER_CLAIM; tries++) {
        let refused: { job: JobRecord; error: unknown } | null = null;
        try {
          return tx(() => {
            const job = queue.claim(workerId, kinds, leaseMs);
            if (!job) return undefined;
            try {
              recorder.started(job, workerId);
            } catch (error) {
              refused = { job, error };
              throw error; // roll the claim back
            }
            return job;
          });
        } catch (error) {
          if (!refused) throw error;
          failRefusedStart(db, queue, recorder, refused);
        }
      }
      return undefined;
    },
    nextRunAfter: (kinds, after) => queue.nextRunAfter(kinds, after),
    heartbeat: (id, workerId, leaseMs) => queue.heartbeat(id, workerId, leaseMs),
    isCancelRequested: (id) => queue.isCancelRequested(id),
    setRemoteRunId: (id, workerId, runId) => queue.setRemoteRunId(id, workerId, runId),
    complete: (id, workerId, summary) =>
      tx(() => {
        const ok = queue.complete(id, workerId);
        if (ok) recorder.succeeded(current(id), summary);
        return ok;
      }),
    fail: (id, workerId, error: JobError, opts) =>
      tx(() => {
        const outcome = queue.fail(id, workerId, error, opts);
        if (outcome) recordFailure(recorder, current(id), error, outcome, opts.summary);
        return outcome;
      }),
    release: (id, workerId) => queue.release(id, workerId),
    markCancelled: (id, workerId) =>
      tx(() => {
        const ok = queue.markCancelled(id, workerId);
        if (ok) recorder.cancelled(current(id));
        return ok;
      }),
    sweepExpiredLeases: () =>
      tx(() => {
        const swept = queue.sweepExpiredLeases();
        for (const job of swept) {
          const now = current(job.id);
          const error = now.lastError ?? LEASE_EXPIRED_ERROR;
          if (now.state === 'cancelled') recorder.cancelled(now);
          else recordFailure(recorder, now, error, now.state === 'failed' ? 'failed' : 'retry_wait');
        }
        return swept;
      }),
  };
}

/** How many refused jobs one claim call fails before it gives the loop back to the worker. */
const MAX_REFUSED_PER_CLAIM = 10;

function failRefusedStart(db: Database, queue: SqliteJobQueue, recorder: JobLifecycleRecorder, refused: { job: JobRecord; error: unknown }): void {
  const reason = refused.error instanceof Error ? refused.error.message : String(refused.error);
  const error: JobError = { code: 'JOB_START_REFUSED', message: `the job log refused to start this job: ${reason}`.slice(0, 500) };
  immediate(db, () => {
    if (!queue.failWaiting(refused.job.id, error)) return;
    // Best effort: the log may refuse this too (that is why we are here); the queue moves on either way.
    try {
      db.transaction(() => recorder.failed(current(queue, refused.job.id), error))(); // a savepoint inside the outer transaction
    } catch {
      /* the jobs table holds the failure */
    }
  });
}

function current(queue: SqliteJobQueue, id: string): JobRecord {
  return queue.get(id) as JobRecord;
}

function recordFailure(
  recorder: JobLifecycleRecorder,
  job: JobRecord,
  error: JobError,
  outcome: 'retry_wait' | 'failed',
  summary?: Record<string, unknown>,
): void {
  if (outcome === 'failed') recorder.failed(job, error, summary);
  else recorder.retryScheduled(job, error, new Date(job.runAfter).toISOString());
}
