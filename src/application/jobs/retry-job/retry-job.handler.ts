import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { jobDecider } from '../../../domain/job/job.decider';
import { jobStreamId } from '../../../domain/job/job.events';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { DomainError, NotFound } from '../../../domain/common/domain-error';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { JobQueueAdmin, JobRecord } from '../../ports/job-queue.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';
import { runSiteCommand } from '../../sites/run-site-command';
import { JOB_KINDS } from '../job-kinds';
import { RetryJobCommand } from './retry-job.command';
import { siteRetryCommand } from './site-job-retries';
import { RequestCertificateCommand } from '../../certificates/request-certificate/request-certificate.command';
import { IdGenerator } from '../../ports/clock.port';

/**
 * Retries a failed or cancelled job, for every kind:
 * - a site's lifecycle job (provision, deploy, reset, delete, …) through the site's own retry
 *   (RequestSiteRetry: FAILED → the operation's state), which queues the operation as a new job; the
 *   result names that job. The site decides whether a retry makes sense (409 otherwise).
 * - a failed site.backup through the site's RetryBackup (BackupRetryRequested): the same backup id
 *   in a new job, as "Retry" on the backup's row does (a backup is no lifecycle operation, so the
 *   site's retry, which only leaves FAILED, would refuse it).
 * - a failed site.backup-prune through RetryBackupDeletion: the backups it named that are still
 *   listed, as a new deletion (the failed one is closed; its job's outcome would find nothing pending).
 * - a failed site.certificate through the certificate stream: a new request for the environment
 *   (retryOf the failed one, whose force and HSTS choices carry over), as long as it is the last one.
 * - every other job as a new run of the same job (run + 1, attempts from 1, every step launched anew);
 *   the worker's records of the new run carry the run in their command ids, so the job's events and the
 *   jobs table agree. A bootstrap also puts its node back to bootstrapping (NodeBootstrapRequested, whose
 *   reactor finds this job queued under its dedup key and queues nothing else), so the outcome follows.
 */
@CommandHandler(RetryJobCommand)
export class RetryJobHandler implements ICommandHandler<RetryJobCommand, CommandResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly queue: JobQueueAdmin,
    private readonly uow: UnitOfWork,
    private readonly ids: IdGenerator,
    private readonly commands: CommandBus,
  ) {}

  async execute({ jobId, meta }: RetryJobCommand): Promise<CommandResult> {
    const job = this.retryable(jobId);
    if (job.siteId && job.kind === JOB_KINDS.siteCertificate) {
      const { environment, requestId } = job.payload as { environment?: unknown; requestId?: unknown };
      return this.commands.execute(new RequestCertificateCommand(job.siteId, String(environment ?? ''), { reason: 'operator', retryOf: String(requestId ?? '') }, meta));
    }
    return this.uow.run(() => {
      const current = this.retryable(jobId);
      const siteCommand = current.siteId ? siteRetryCommand(current, current.siteId, () => this.ids.newId()) : null;
      if (siteCommand) return runSiteCommand(this.decideAndAppend, siteCommand, meta);
      const result = this.decideAndAppend.run(jobStreamId(jobId), jobDecider, { type: 'RequestJobRetry', jobId }, meta);
      if (result.duplicate) return toCommandResult(result);
      if (!this.queue.retry(jobId)) {
        throw new DomainError('JOB_NOT_RETRYABLE', `job ${jobId} cannot be queued again: another ${current.kind} job with its key is still unfinished`, { jobId, kind: current.kind });
      }
      this.followLifecycle(current, meta);
      return { ...toCommandResult(result), jobs: [{ id: current.id, kind: current.kind }] };
    });
  }

  private retryable(jobId: string): JobRecord {
    const job = this.queue.get(jobId);
    if (!job) throw new NotFound('job', jobId);
    if (job.state !== 'failed' && job.state !== 'cancelled') {
      throw new DomainError('JOB_NOT_RETRYABLE', `job ${jobId} is ${job.state}; only failed or cancelled jobs can be retried`, { jobId, state: job.state });
    }
    return job;
  }

  /** The aggregate a retried job drives goes back to the state the job's outcome expects. */
  private followLifecycle(job: JobRecord, meta: RetryJobCommand['meta']): void {
    if (job.kind !== JOB_KINDS.nodeBootstrap || !job.nodeId) return;
    this.decideAndAppend.run(nodeStreamId(job.nodeId), nodeDecider, { type: 'RequestNodeBootstrap', nodeId: job.nodeId }, {
      ...meta,
      commandId: `${meta.commandId}/node`,
    });
  }
}
