import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { jobDecider } from '../../../domain/job/job.decider';
import { jobStreamId } from '../../../domain/job/job.events';
import { DomainError, NotFound } from '../../../domain/common/domain-error';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { JobCancelRequested } from '../../common/job-cancel-requested.event';
import { JobQueueAdmin } from '../../ports/job-queue.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';
import { JobLifecycleRecorder } from '../job-lifecycle/job-lifecycle.recorder';
import { CancelJobCommand } from './cancel-job.command';

@CommandHandler(CancelJobCommand)
export class CancelJobHandler implements ICommandHandler<CancelJobCommand, CommandResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly queue: JobQueueAdmin,
    private readonly uow: UnitOfWork,
    private readonly recorder: JobLifecycleRecorder,
    private readonly doorbell: EventBus,
  ) {}

  async execute({ jobId, meta }: CancelJobCommand): Promise<CommandResult> {
    return this.uow.run(() => {
      const job = this.queue.get(jobId);
      if (!job) throw new NotFound('job', jobId);
      const result = this.decideAndAppend.run(jobStreamId(jobId), jobDecider, { type: 'RequestJobCancel', jobId }, meta);
      if (result.duplicate) return toCommandResult(result);
      const outcome = this.queue.requestCancel(jobId);
      if (!outcome) throw new DomainError('JOB_NOT_CANCELLABLE', `job ${jobId} already finished`, { jobId });
      if (outcome === 'cancelled') this.recorder.cancelledOutcome(job);
      else queueMicrotask(() => this.doorbell.publish(new JobCancelRequested(jobId))); // after the commit
      return toCommandResult(result);
    });
  }
}
