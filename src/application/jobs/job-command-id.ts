import type { JobRecord } from '../ports/job-queue.port';

/**
 * The command id of something the worker records for a job: unique per job run (an operator's retry
 * starts run 2, whose attempts count from 1 again), so the retried run's events are never taken for
 * duplicates of the first run's. Run 1 keeps the ids it always had.
 */
export function jobCommandId(job: Pick<JobRecord, 'id' | 'run'>, step: string): string {
  const run = job.run ?? 1;
  return run > 1 ? `job/${job.id}/run-${run}/${step}` : `job/${job.id}/${step}`;
}
