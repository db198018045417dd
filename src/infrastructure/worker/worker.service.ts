import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { Subscription } from 'rxjs';
import { hostname } from 'node:os';
import { JobCancelRequested } from '../../application/common/job-cancel-requested.event';
import { JobsEnqueued } from '../../application/common/jobs-enqueued.event';
import { JobLifecycleRecorder } from '../../application/jobs/job-lifecycle/job-lifecycle.recorder';
import { JOB_HANDLERS, JobHandler } from '../../application/ports/job-queue.port';
import { MetricsRegistry } from '../../application/ports/metrics.port';
import type { Settings } from '../config/settings';
import { JobLogStore } from '../job-queue/job-log-store';
import { JobWorker } from '../job-queue/job-worker';
import { recordingQueue } from '../job-queue/recording-queue';
import { SqliteJobQueue } from '../job-queue/sqlite-job-queue';
import type { Database } from '../sqlite/database';
import { DATABASE, SETTINGS } from '../tokens';
import { JobObserver } from './job-observer';

/** Runs the job worker inside `serve`; the EventBus doorbell wakes it the moment a job is queued. */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('worker');
  private worker?: JobWorker;
  private doorbell?: Subscription;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(DATABASE) private readonly db: Database,
    private readonly queue: SqliteJobQueue,
    private readonly recorder: JobLifecycleRecorder,
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
    private readonly events: EventBus,
    private readonly metrics: MetricsRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.workerEnabled || this.handlers.length === 0) return;
    const log = new JobLogStore(this.db);
    const observed = new JobObserver(this.db, this.metrics).hooks();
    this.worker = new JobWorker({
      queue: recordingQueue(this.db, this.queue, this.recorder),
      handlers: this.handlers,
      workerId: `${hostname()}:${process.pid}`,
      leaseMs: this.settings.jobLeaseMs,
      concurrency: this.settings.workerConcurrency,
      hooks: {
        ...observed,
        onLog: (job, line) => (log.append(job.id, line), observed.onLog?.(job, line)),
        onError: (error, job) => this.logger.error(`job ${job?.id ?? '-'}: ${error instanceof Error ? error.message : String(error)}`),
      },
    });
    this.doorbell = this.events.subscribe((event) => {
      if (event instanceof JobsEnqueued) this.worker?.wake();
      if (event instanceof JobCancelRequested) this.worker?.checkCancel(event.jobId);
    });
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.doorbell?.unsubscribe();
    await this.worker?.stop();
  }
}
