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
    claim: (workerId, kinds, leaseMs) =>
      tx(() => {
        const job = queue.claim(workerId, kinds, leaseMs);
        if (job) recorder.started(job, workerId);
        return job;
      }),
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
