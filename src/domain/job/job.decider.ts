import { DomainError, InvalidValue, NotFound, RuleViolation } from '../common/domain-error';
import { Decider } from '../common/domain-event';
import { JobCommand, QueueJob } from './job.commands';
import { FINISHED_JOB_STATUSES, JobError, JobEvent, JobStatus } from './job.events';

export const JOB_RULES = {
  /** Job ids are never reused (DUPLICATE). */
  idMustBeUnique: 'job-id-must-be-unique',
  /** JOB_NOT_CANCELLABLE once succeeded, failed or cancelled. */
  cannotBeCancelledOnceFinished: 'job-cannot-be-cancelled-once-finished',
  /** JOB_NOT_RETRYABLE unless failed or cancelled. */
  onlyFailedOrCancelledJobsCanBeRetried: 'only-failed-or-cancelled-jobs-can-be-retried',
  /** An attempt starts only from queued/retry_wait (or takes over a running one) and never past maxAttempts. */
  attemptMustBeNext: 'job-attempt-must-be-the-next-one',
  /** A retry is scheduled only while attempts are left. */
  cannotRetryAfterLastAttempt: 'job-cannot-retry-after-last-attempt',
  /** A running job ends as cancelled only after someone asked for it. */
  cancelledOnlyOnRequest: 'job-is-cancelled-only-on-request',
} as const;

export const DEFAULT_MAX_ATTEMPTS = 3;
export const MAX_ATTEMPTS_LIMIT = 20;
const JOB_KIND = /^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*$/;

export interface JobState {
  readonly exists: boolean;
  readonly id: string | null;
  readonly kind: string | null;
  readonly siteId: string | null;
  readonly nodeId: string | null;
  readonly status: JobStatus | null;
  /** Number of the current/last attempt; 0 before the first start. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly workerId: string | null;
  readonly cancelRequested: boolean;
  readonly lastError: JobError | null;
  readonly runAfter: string | null;
}

export const initialJobState: JobState = {
  exists: false,
  id: null,
  kind: null,
  siteId: null,
  nodeId: null,
  status: null,
  attempt: 0,
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  workerId: null,
  cancelRequested: false,
  lastError: null,
  runAfter: null,
};

function queueJob(cmd: QueueJob, job: JobState): JobEvent[] {
  if (job.exists) {
    throw new DomainError('DUPLICATE', `Job ${cmd.jobId} already exists`, { jobId: cmd.jobId }, JOB_RULES.idMustBeUnique);
  }
  if (!JOB_KIND.test(cmd.kind)) throw new InvalidValue('kind', `job kind ${JSON.stringify(cmd.kind)} is invalid`);
  const maxAttempts = cmd.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
    throw new InvalidValue('maxAttempts', `maxAttempts must be an integer from 1 to ${MAX_ATTEMPTS_LIMIT}`);
  }
  return [
    {
      type: 'JobQueued',
      data: { jobId: cmd.jobId, kind: cmd.kind, siteId: cmd.siteId ?? null, nodeId: cmd.nodeId ?? null, maxAttempts },
    },
  ];
}

function attemptRefused(job: JobState, attempt: number, message: string): RuleViolation {
  return new RuleViolation(JOB_RULES.attemptMustBeNext, 'INVALID_STATE_TRANSITION', message, {
    jobId: job.id,
    status: job.status,
    attempt,
    currentAttempt: job.attempt,
  });
}

/**
 * True when a worker's report is about the attempt that is running now. Anything else is a duplicate
 * or a stale report (the worker lost its lease, the job was cancelled or retried meanwhile): under
 * at-least-once delivery it must be a harmless no-op, not an error.
 */
function isCurrentAttempt(job: JobState, attempt: number): boolean {
  return job.status === 'running' && attempt === job.attempt;
}

function decide(cmd: JobCommand, job: JobState): JobEvent[] {
  if (cmd.type === 'QueueJob') return queueJob(cmd, job);
  if (!job.exists) throw new NotFound('job', cmd.jobId);
  const jobId = job.id as string;
  const finished = FINISHED_JOB_STATUSES.includes(job.status as JobStatus);

  switch (cmd.type) {
    case 'RecordJobStarted': {
      if (isCurrentAttempt(job, cmd.attempt)) return [];
      if (finished) throw attemptRefused(job, cmd.attempt, `Job ${jobId} is ${job.status} and cannot start`);
      // running -> running with the next attempt = another worker took over an expired lease.
      if (cmd.attempt !== job.attempt + 1 || cmd.attempt > job.maxAttempts) {
        throw attemptRefused(job, cmd.attempt, `Attempt ${cmd.attempt} is not the next attempt of job ${jobId}`);
      }
      return [{ type: 'JobStarted', data: { jobId, attempt: cmd.attempt, workerId: cmd.workerId } }];
    }
    case 'RecordJobRetryScheduled':
      if (!isCurrentAttempt(job, cmd.attempt)) return [];
      if (cmd.attempt >= job.maxAttempts) {
        throw new RuleViolation(
          JOB_RULES.cannotRetryAfterLastAttempt,
          'RULE_VIOLATION',
          `Job ${jobId} used its last attempt (${job.maxAttempts}); record it as failed`,
          { jobId, attempt: cmd.attempt, maxAttempts: job.maxAttempts },
        );
      }
      return [
        { type: 'JobRetryScheduled', data: { jobId, attempt: cmd.attempt, error: cmd.error, runAfter: cmd.runAfter } },
      ];
    case 'RecordJobSucceeded':
      if (!isCurrentAttempt(job, cmd.attempt)) return [];
      return [
        {
          type: 'JobSucceeded',
          data: cmd.summary === undefined ? { jobId, attempt: cmd.attempt } : { jobId, attempt: cmd.attempt, summary: cmd.summary },
        },
      ];
    case 'RecordJobFailed':
      if (!isCurrentAttempt(job, cmd.attempt)) return [];
      return [{ type: 'JobFailed', data: { jobId, attempt: cmd.attempt, error: cmd.error } }];
    case 'RecordJobCancelled':
      if (finished) return [];
      if (!(job.status === 'running' && job.cancelRequested)) {
        throw new RuleViolation(
          JOB_RULES.cancelledOnlyOnRequest,
          'INVALID_STATE_TRANSITION',
          `Job ${jobId} was not asked to cancel`,
          { jobId, status: job.status },
        );
      }
      return [{ type: 'JobCancelled', data: { jobId } }];

    case 'RequestJobCancel':
      if (finished) {
        throw new RuleViolation(
          JOB_RULES.cannotBeCancelledOnceFinished,
          'JOB_NOT_CANCELLABLE',
          `Job ${jobId} is already ${job.status}`,
          { jobId, status: job.status },
        );
      }
      if (job.status === 'running') {
        // Cancellation is cooperative: the worker stops and then records JobCancelled.
        return job.cancelRequested ? [] : [{ type: 'JobCancelRequested', data: { jobId } }];
      }
      // Nobody is working on a queued/retry_wait job, so it is cancelled at once.
      return [
        { type: 'JobCancelRequested', data: { jobId } },
        { type: 'JobCancelled', data: { jobId } },
      ];
    case 'RequestJobRetry':
      if (job.status !== 'failed' && job.status !== 'cancelled') {
        throw new RuleViolation(
          JOB_RULES.onlyFailedOrCancelledJobsCanBeRetried,
          'JOB_NOT_RETRYABLE',
          `Job ${jobId} is ${job.status}; only failed or cancelled jobs can be retried`,
          { jobId, status: job.status },
        );
      }
      return [{ type: 'JobRetryRequested', data: { jobId } }];
  }
}

function evolve(job: JobState, event: JobEvent): JobState {
  switch (event.type) {
    case 'JobQueued': {
      const { jobId, kind, siteId, nodeId, maxAttempts } = event.data;
      return { ...initialJobState, exists: true, id: jobId, kind, siteId, nodeId, maxAttempts, status: 'queued' };
    }
    case 'JobStarted':
      return { ...job, status: 'running', attempt: event.data.attempt, workerId: event.data.workerId, runAfter: null };
    case 'JobRetryScheduled':
      return { ...job, status: 'retry_wait', lastError: event.data.error, runAfter: event.data.runAfter, workerId: null };
    case 'JobSucceeded':
      return { ...job, status: 'succeeded', lastError: null, workerId: null };
    case 'JobFailed':
      return { ...job, status: 'failed', lastError: event.data.error, workerId: null };
    case 'JobCancelRequested':
      return { ...job, cancelRequested: true };
    case 'JobCancelled':
      return { ...job, status: 'cancelled', workerId: null, runAfter: null };
    case 'JobRetryRequested':
      // A manual retry is a fresh start: all attempts are available again.
      return { ...job, status: 'queued', attempt: 0, cancelRequested: false, lastError: null, runAfter: null };
  }
}

export const jobDecider: Decider<JobState, JobCommand, JobEvent> = {
  initialState: initialJobState,
  decide: (command, state) => decide(command, state),
  evolve,
};
