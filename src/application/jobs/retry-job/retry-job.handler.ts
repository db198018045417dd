import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { jobDecider } from '../../../domain/job/job.decider';
import { jobStreamId } from '../../../domain/job/job.events';
import { DomainError, NotFound } from '../../../domain/common/domain-error';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { JobQueueAdmin } from '../../ports/job-queue.port';
import { JOB_OUTCOMES } from '../job-lifecycle/job-outcomes';
import { UnitOfWork } from '../../ports/unit-of-work.port';
import { RetryJobCommand } from './retry-job.command';

/**
 * Retries the job itself. Jobs that drive a site's or node's lifecycle are retried through that
 * aggregate's own action (which queues a new job), so the lifecycle state always follows.
 */
@CommandHandler(RetryJobCommand)
export class RetryJobHandler implements ICommandHandler<RetryJobCommand, CommandResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly queue: JobQueueAdmin,
    private readonly uow: UnitOfWork,
  ) {}

  async execute({ jobId, meta }: RetryJobCommand): Promise<CommandResult> {
    return this.uow.run(() => {
      const job = this.queue.get(jobId);
      if (!job) throw new NotFound('job', jobId);
      if (JOB_OUTCOMES[job.kind]) {
        throw new DomainError('JOB_NOT_RETRYABLE', `a ${job.kind} job is retried through its ${job.siteId ? 'site (POST /api/v1/sites/{id}/retry)' : 'node (POST /api/v1/nodes/{id}/bootstrap or …/health-check)'}, so the lifecycle state follows`, {
          jobId,
          kind: job.kind,
        });
      }
      const result = this.decideAndAppend.run(jobStreamId(jobId), jobDecider, { type: 'RequestJobRetry', jobId }, meta);
      if (!result.duplicate && !this.queue.retry(jobId)) {
        throw new DomainError('JOB_NOT_RETRYABLE', `job ${jobId} is not failed or cancelled`, { jobId });
      }
      return toCommandResult(result);
    });
  }
}
