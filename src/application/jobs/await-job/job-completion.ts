import { Injectable } from '@nestjs/common';
import { JobQueueAdmin, JobRecord } from '../../ports/job-queue.port';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Waits for a job to finish, for the few requests whose answer is a node's (a promotion's drift check):
 * the job runs like every other (detached, recorded, with its actor); the request only polls its row.
 */
@Injectable()
export class JobCompletion {
  constructor(private readonly admin: JobQueueAdmin) {}

  /** The finished job, or null when it has not finished within timeoutMs (it keeps running). */
  async wait(jobId: string, timeoutMs: number, pollMs = 100): Promise<JobRecord | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = this.admin.get(jobId);
      if (job && FINISHED.has(job.state)) return job;
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
