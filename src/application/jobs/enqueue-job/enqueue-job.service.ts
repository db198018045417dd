import { Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { DEFAULT_MAX_ATTEMPTS, jobDecider } from '../../../domain/job/job.decider';
import { jobStreamId } from '../../../domain/job/job.events';
import type { CommandMeta } from '../../common/command-meta';
import { DecideAndAppend } from '../../common/decide-and-append';
import { JobsEnqueued } from '../../common/jobs-enqueued.event';
import { IdGenerator } from '../../ports/clock.port';
import { CommandLog, EnqueuedJob, JobRequest } from '../../ports/event-store.port';
import { JobQueueWriter } from '../../ports/job-queue.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';

/**
 * Queues a job that no event caused (the health-check scheduler, an operator's "check now"): the job
 * row and its JobQueued event are written in one transaction, like a reactor's jobs inside an append.
 * A dedup key that already has an unfinished job queues nothing and returns that job. A repeated
 * command id returns the first job.
 */
@Injectable()
export class EnqueueJob {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly writer: JobQueueWriter,
    private readonly decideAndAppend: DecideAndAppend,
    private readonly commands: CommandLog,
    private readonly ids: IdGenerator,
    private readonly doorbell: EventBus,
  ) {}

  run(request: JobRequest, meta: CommandMeta): EnqueuedJob {
    const previous = this.commands.previousResult(meta.commandId, meta.requestHash);
    if (previous) return { id: previous.streamId.slice('job-'.length), kind: request.kind, created: false };
    const maxAttempts = request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const job = this.uow.run(() => {
      const enqueued = this.writer.enqueue({ ...request, maxAttempts, id: this.ids.newId(), correlationId: meta.correlationId, actor: meta.actor });
      if (enqueued.created) {
        this.decideAndAppend.run(
          jobStreamId(enqueued.id),
          jobDecider,
          { type: 'QueueJob', jobId: enqueued.id, kind: request.kind, siteId: request.siteId, nodeId: request.nodeId, maxAttempts },
          meta,
        );
      }
      return enqueued;
    });
    if (job.created) queueMicrotask(() => this.doorbell.publish(new JobsEnqueued([job.id])));
    return job;
  }
}
