import { Logger } from '@nestjs/common';
import type { JobError, JobRecord } from '../../application/ports/job-queue.port';
import type { MetricsRegistry } from '../../application/ports/metrics.port';
import type { JobWorkerHooks } from '../job-queue/job-worker';
import type { Database } from '../sqlite/database';

/**
 * What the process log and the metrics see of each job attempt: a line when it starts and ends, with
 * the job's correlation id as `reqId` (the id of the request that queued it, see
 * interfaces/http/request-id.ts), its log lines at debug level, the attempt's duration by kind and
 * outcome, and the durations of the remote runs that ended during it.
 */
export class JobObserver {
  private readonly logger = new Logger('worker');
  private readonly started = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly metrics: MetricsRegistry,
  ) {}

  hooks(): Pick<JobWorkerHooks, 'onStarted' | 'onSucceeded' | 'onFailed' | 'onCancelled' | 'onReleased' | 'onLog'> {
    return {
      onStarted: (job) => {
        this.started.set(job.id, Date.now());
        this.logger.log({ msg: 'job started', ...this.fields(job) });
      },
      onSucceeded: (job) => this.ended(job, 'succeeded'),
      onFailed: (job, error, outcome) => this.ended(job, outcome === 'retry_wait' ? 'retry' : 'failed', error),
      onCancelled: (job) => this.ended(job, 'cancelled'),
      onReleased: (job) => this.ended(job, 'released'),
      onLog: (job, line) => this.logger.debug({ msg: line, ...this.fields(job), source: 'job' }),
    };
  }

  private fields(job: JobRecord): Record<string, unknown> {
    return { reqId: job.correlationId, jobId: job.id, kind: job.kind, attempt: job.attempt, ...(job.nodeId ? { nodeId: job.nodeId } : {}), ...(job.siteId ? { siteId: job.siteId } : {}) };
  }

  private ended(job: JobRecord, outcome: string, error?: JobError): void {
    const since = this.started.get(job.id) ?? Date.now();
    this.started.delete(job.id);
    const ms = Date.now() - since;
    this.metrics.observeJob(job.kind, outcome, ms / 1000);
    const runs = this.db
      .prepare('SELECT playbook, state, created_at, finished_at FROM remote_runs WHERE job_id = ? AND finished_at IS NOT NULL AND finished_at >= ?')
      .all(job.id, since) as { playbook: string; state: string; created_at: number; finished_at: number }[];
    for (const r of runs) this.metrics.observeRemoteRun(r.playbook, r.state, (r.finished_at - r.created_at) / 1000);
    const fields = { ...this.fields(job), outcome, ms, ...(error ? { error: error.code, reason: error.message } : {}) };
    if (outcome === 'failed') this.logger.warn({ msg: 'job ended', ...fields });
    else this.logger.log({ msg: 'job ended', ...fields });
  }
}
