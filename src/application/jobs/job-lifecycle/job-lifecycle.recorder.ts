import { Injectable } from '@nestjs/common';
import { certificateDecider } from '../../../domain/certificate/certificate.decider';
import { certificateStreamId } from '../../../domain/certificate/certificate.events';
import { jobDecider } from '../../../domain/job/job.decider';
import type { JobCommand } from '../../../domain/job/job.commands';
import { jobStreamId } from '../../../domain/job/job.events';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { siteDecider } from '../../../domain/site/site.decider';
import { siteStreamId } from '../../../domain/site/site.events';
import { DecideAndAppend } from '../../common/decide-and-append';
import type { CommandMeta } from '../../common/command-meta';
import type { JobError, JobRecord } from '../../ports/job-queue.port';
import { jobCommandId } from '../job-command-id';
import { JOB_OUTCOMES, OutcomeCommand } from './job-outcomes';

const WORKER_ACTOR = 'system:worker';

/**
 * Records what the worker did to a job as events on the job's stream and, when a job finishes, the
 * outcome on its site or node. Called inside the same transaction as the queue operation, so the
 * queue table and the event log never disagree. Command ids make every record idempotent.
 */
@Injectable()
export class JobLifecycleRecorder {
  constructor(private readonly decideAndAppend: DecideAndAppend) {}

  started(job: JobRecord, workerId: string): void {
    this.job(job, `started/${job.attempt}`, { type: 'RecordJobStarted', jobId: job.id, attempt: job.attempt, workerId });
  }

  succeeded(job: JobRecord, summary?: Record<string, unknown>): void {
    this.job(job, `succeeded/${job.attempt}`, { type: 'RecordJobSucceeded', jobId: job.id, attempt: job.attempt });
    this.outcome(job, 'succeeded', JOB_OUTCOMES[job.kind]?.succeeded(job, summary));
  }

  retryScheduled(job: JobRecord, error: JobError, runAfterIso: string): void {
    this.job(job, `retry/${job.attempt}`, { type: 'RecordJobRetryScheduled', jobId: job.id, attempt: job.attempt, error, runAfter: runAfterIso });
  }

  failed(job: JobRecord, error: JobError, summary?: Record<string, unknown>): void {
    this.job(job, `failed/${job.attempt}`, { type: 'RecordJobFailed', jobId: job.id, attempt: job.attempt, error });
    this.outcome(job, 'failed', JOB_OUTCOMES[job.kind]?.failed(job, error, summary));
  }

  /** A running job stopped after a cancel request. */
  cancelled(job: JobRecord): void {
    this.job(job, `cancelled/${job.attempt}`, { type: 'RecordJobCancelled', jobId: job.id });
    this.cancelledOutcome(job);
  }

  /** A cancelled operation leaves its site or node in an unknown state: FAILED, for an operator to look at. */
  cancelledOutcome(job: JobRecord): void {
    const error = { code: 'JOB_CANCELLED', message: 'the job was cancelled by an operator' };
    this.outcome(job, 'cancelled', JOB_OUTCOMES[job.kind]?.failed(job, error, undefined));
  }

  private job(job: JobRecord, step: string, command: JobCommand): void {
    this.decideAndAppend.run(jobStreamId(job.id), jobDecider, command, this.meta(job, step));
  }

  private outcome(job: JobRecord, step: string, outcomes: OutcomeCommand | readonly OutcomeCommand[] | undefined): void {
    const list = outcomes === undefined ? [] : ([] as OutcomeCommand[]).concat(outcomes);
    // the first keeps the command id it always had; each further one gets its own
    list.forEach((outcome, i) => this.apply(outcome, this.meta(job, `outcome/${step}/${job.attempt}${i === 0 ? '' : `/${i}`}`)));
  }

  private apply(outcome: OutcomeCommand, meta: CommandMeta): void {
    if (outcome.aggregate === 'site') {
      this.decideAndAppend.run(siteStreamId(outcome.command.siteId), siteDecider, outcome.command, meta);
    } else if (outcome.aggregate === 'certificate') {
      this.decideAndAppend.run(certificateStreamId(outcome.command.siteId), certificateDecider, outcome.command, meta);
    } else {
      this.decideAndAppend.run(nodeStreamId(outcome.command.nodeId), nodeDecider, outcome.command, meta);
    }
  }

  private meta(job: JobRecord, step: string): CommandMeta {
    return { actor: WORKER_ACTOR, commandId: jobCommandId(job, step), correlationId: job.correlationId };
  }
}
