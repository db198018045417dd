import { DomainError, InvalidValue, NotFound, RuleViolation } from '../../../src/domain/common/domain-error';
import { JobCommand, QueueJob } from '../../../src/domain/job/job.commands';
import { DEFAULT_MAX_ATTEMPTS, JOB_RULES, jobDecider } from '../../../src/domain/job/job.decider';
import { JobEvent, jobStreamId } from '../../../src/domain/job/job.events';
import { given } from '../../support/decider-spec';

const jobId = 'j1';
const error = { code: 'NODE_UNREACHABLE', message: 'ssh timeout' };
const runAfter = '2025-01-01T00:01:00.000Z';

const queue: QueueJob = { type: 'QueueJob', jobId, kind: 'site.provision', siteId: 's1', maxAttempts: 2 };
const queued: JobEvent = { type: 'JobQueued', data: { jobId, kind: 'site.provision', siteId: 's1', nodeId: null, maxAttempts: 2 } };
const started = (attempt: number, workerId = 'w1'): JobEvent => ({ type: 'JobStarted', data: { jobId, attempt, workerId } });
const retryScheduled: JobEvent = { type: 'JobRetryScheduled', data: { jobId, attempt: 1, error, runAfter } };
const succeeded: JobEvent = { type: 'JobSucceeded', data: { jobId, attempt: 1 } };
const failed: JobEvent = { type: 'JobFailed', data: { jobId, attempt: 1, error } };
const cancelRequested: JobEvent = { type: 'JobCancelRequested', data: { jobId } };
const cancelled: JobEvent = { type: 'JobCancelled', data: { jobId } };

const QUEUED = [queued];
const RUNNING = [queued, started(1)];
const RETRY_WAIT = [...RUNNING, retryScheduled];
const SUCCEEDED = [...RUNNING, succeeded];
const FAILED = [...RUNNING, failed];
const CANCELLING = [...RUNNING, cancelRequested];
const CANCELLED = [...CANCELLING, cancelled];

const cmd = <T extends JobCommand['type']>(type: T, rest: Omit<Extract<JobCommand, { type: T }>, 'type' | 'jobId'>) =>
  ({ type, jobId, ...rest }) as Extract<JobCommand, { type: T }>;

describe('job decider', () => {
  it('streams are job-<id>', () => expect(jobStreamId('x')).toBe('job-x'));

  describe('QueueJob', () => {
    it('queues a job', () => {
      given(jobDecider).when(queue).then([queued]);
      given(jobDecider).when(queue).thenState({ status: 'queued', attempt: 0, maxAttempts: 2 });
    });
    it('defaults maxAttempts and ids', () => {
      given(jobDecider)
        .when({ type: 'QueueJob', jobId, kind: 'node.bootstrap', nodeId: 'n1' })
        .then([{ type: 'JobQueued', data: { jobId, kind: 'node.bootstrap', siteId: null, nodeId: 'n1', maxAttempts: DEFAULT_MAX_ATTEMPTS } }]);
    });
    it.each([
      ['kind', { kind: 'Bad Kind' }],
      ['kind', { kind: '' }],
      ['maxAttempts', { maxAttempts: 0 }],
      ['maxAttempts', { maxAttempts: 1.5 }],
      ['maxAttempts', { maxAttempts: 21 }],
    ])('refuses an invalid %s', (field, patch) => {
      const err = given(jobDecider).when({ ...queue, ...patch }).thenThrows(InvalidValue, 'VALIDATION_FAILED');
      expect((err as InvalidValue).details.field).toBe(field);
    });
    it('refuses an existing job id', () => {
      given(jobDecider, QUEUED).when(queue).thenThrows(DomainError, 'DUPLICATE', JOB_RULES.idMustBeUnique);
    });
  });

  it('refuses every other command on a job that does not exist', () => {
    const commands: JobCommand[] = [
      cmd('RequestJobCancel', {}),
      cmd('RequestJobRetry', {}),
      cmd('RecordJobStarted', { attempt: 1, workerId: 'w1' }),
      cmd('RecordJobRetryScheduled', { attempt: 1, error, runAfter }),
      cmd('RecordJobSucceeded', { attempt: 1 }),
      cmd('RecordJobFailed', { attempt: 1, error }),
      cmd('RecordJobCancelled', {}),
    ];
    for (const c of commands) given(jobDecider).when(c).thenThrows(NotFound, 'NOT_FOUND');
  });

  describe('RecordJobStarted', () => {
    it('starts attempt 1 from queued', () => {
      given(jobDecider, QUEUED).when(cmd('RecordJobStarted', { attempt: 1, workerId: 'w1' })).then([started(1)]);
      given(jobDecider, QUEUED).when(cmd('RecordJobStarted', { attempt: 1, workerId: 'w1' })).thenState({ status: 'running', attempt: 1, workerId: 'w1' });
    });
    it('starts the next attempt from retry_wait', () => {
      given(jobDecider, RETRY_WAIT).when(cmd('RecordJobStarted', { attempt: 2, workerId: 'w2' })).then([started(2, 'w2')]);
    });
    it('lets another worker take over a running job with the next attempt (expired lease)', () => {
      given(jobDecider, RUNNING).when(cmd('RecordJobStarted', { attempt: 2, workerId: 'w2' })).then([started(2, 'w2')]);
    });
    it('is a no-op for the attempt already running', () => {
      given(jobDecider, RUNNING).when(cmd('RecordJobStarted', { attempt: 1, workerId: 'w1' })).then([]);
    });
    it.each([
      ['skips an attempt', QUEUED, 2],
      ['goes past maxAttempts', [...RUNNING, started(2)], 3],
      ['repeats an old attempt', RETRY_WAIT, 1],
      ['starts a finished job', SUCCEEDED, 2],
      ['starts a cancelled job', CANCELLED, 2],
    ])('is refused when it %s', (_l, history, attempt) => {
      given(jobDecider, history as JobEvent[])
        .when(cmd('RecordJobStarted', { attempt: attempt as number, workerId: 'w1' }))
        .thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', JOB_RULES.attemptMustBeNext);
    });
  });

  describe('RecordJobRetryScheduled', () => {
    it('running -> retry_wait while attempts are left', () => {
      given(jobDecider, RUNNING).when(cmd('RecordJobRetryScheduled', { attempt: 1, error, runAfter })).then([retryScheduled]);
      given(jobDecider, RUNNING)
        .when(cmd('RecordJobRetryScheduled', { attempt: 1, error, runAfter }))
        .thenState({ status: 'retry_wait', runAfter, lastError: error });
    });
    it('is refused after the last attempt', () => {
      given(jobDecider, [...RETRY_WAIT, started(2)])
        .when(cmd('RecordJobRetryScheduled', { attempt: 2, error, runAfter }))
        .thenThrows(RuleViolation, 'RULE_VIOLATION', JOB_RULES.cannotRetryAfterLastAttempt);
    });
    it('ignores stale or repeated reports', () => {
      given(jobDecider, RETRY_WAIT).when(cmd('RecordJobRetryScheduled', { attempt: 1, error, runAfter })).then([]);
      given(jobDecider, RUNNING).when(cmd('RecordJobRetryScheduled', { attempt: 2, error, runAfter })).then([]);
    });
  });

  describe('RecordJobSucceeded / RecordJobFailed', () => {
    it('running -> succeeded', () => {
      given(jobDecider, RUNNING).when(cmd('RecordJobSucceeded', { attempt: 1 })).then([succeeded]);
      given(jobDecider, RUNNING)
        .when(cmd('RecordJobSucceeded', { attempt: 1, summary: 'deployed r1' }))
        .then([{ type: 'JobSucceeded', data: { jobId, attempt: 1, summary: 'deployed r1' } }]);
      given(jobDecider, RUNNING).when(cmd('RecordJobSucceeded', { attempt: 1 })).thenState({ status: 'succeeded' });
    });
    it('running -> failed', () => {
      given(jobDecider, RUNNING).when(cmd('RecordJobFailed', { attempt: 1, error })).then([failed]);
      given(jobDecider, RUNNING).when(cmd('RecordJobFailed', { attempt: 1, error })).thenState({ status: 'failed', lastError: error });
    });
    it('ignores repeated reports and reports of other attempts', () => {
      given(jobDecider, SUCCEEDED).when(cmd('RecordJobSucceeded', { attempt: 1 })).then([]);
      given(jobDecider, FAILED).when(cmd('RecordJobFailed', { attempt: 1, error })).then([]);
      given(jobDecider, [...RUNNING, started(2, 'w2')]).when(cmd('RecordJobSucceeded', { attempt: 1 })).then([]);
      given(jobDecider, QUEUED).when(cmd('RecordJobFailed', { attempt: 1, error })).then([]);
    });
  });

  describe('RequestJobCancel', () => {
    it.each([
      ['queued', QUEUED],
      ['retry_wait', RETRY_WAIT],
    ])('cancels a %s job at once', (_s, history) => {
      given(jobDecider, history).when(cmd('RequestJobCancel', {})).then([cancelRequested, cancelled]);
      given(jobDecider, history).when(cmd('RequestJobCancel', {})).thenState({ status: 'cancelled' });
    });
    it('only asks a running job to stop (cooperative)', () => {
      given(jobDecider, RUNNING).when(cmd('RequestJobCancel', {})).then([cancelRequested]);
      given(jobDecider, RUNNING).when(cmd('RequestJobCancel', {})).thenState({ status: 'running', cancelRequested: true });
    });
    it('is a no-op when a cancel is already requested', () => {
      given(jobDecider, CANCELLING).when(cmd('RequestJobCancel', {})).then([]);
    });
    it.each([
      ['succeeded', SUCCEEDED],
      ['failed', FAILED],
      ['cancelled', CANCELLED],
    ])('is refused once %s (job-cannot-be-cancelled-once-finished)', (_s, history) => {
      given(jobDecider, history)
        .when(cmd('RequestJobCancel', {}))
        .thenThrows(RuleViolation, 'JOB_NOT_CANCELLABLE', JOB_RULES.cannotBeCancelledOnceFinished);
    });
  });

  describe('RecordJobCancelled', () => {
    it('ends a running job whose cancel was requested', () => {
      given(jobDecider, CANCELLING).when(cmd('RecordJobCancelled', {})).then([cancelled]);
    });
    it('is a no-op once finished', () => {
      given(jobDecider, CANCELLED).when(cmd('RecordJobCancelled', {})).then([]);
      given(jobDecider, SUCCEEDED).when(cmd('RecordJobCancelled', {})).then([]);
    });
    it.each([
      ['running without a request', RUNNING],
      ['queued', QUEUED],
    ])('is refused when %s', (_s, history) => {
      given(jobDecider, history)
        .when(cmd('RecordJobCancelled', {}))
        .thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', JOB_RULES.cancelledOnlyOnRequest);
    });
  });

  describe('RequestJobRetry', () => {
    it.each([
      ['failed', FAILED],
      ['cancelled', CANCELLED],
    ])('re-queues a %s job with attempts reset', (_s, history) => {
      given(jobDecider, history).when(cmd('RequestJobRetry', {})).then([{ type: 'JobRetryRequested', data: { jobId } }]);
      given(jobDecider, history)
        .when(cmd('RequestJobRetry', {}))
        .thenState({ status: 'queued', attempt: 0, cancelRequested: false, lastError: null });
    });
    it('the re-queued job starts at attempt 1 again', () => {
      given(jobDecider, [...FAILED, { type: 'JobRetryRequested', data: { jobId } }])
        .when(cmd('RecordJobStarted', { attempt: 1, workerId: 'w3' }))
        .then([started(1, 'w3')]);
    });
    it.each([
      ['queued', QUEUED],
      ['running', RUNNING],
      ['retry_wait', RETRY_WAIT],
      ['succeeded', SUCCEEDED],
    ])('is refused when %s (only-failed-or-cancelled-jobs-can-be-retried)', (_s, history) => {
      given(jobDecider, history)
        .when(cmd('RequestJobRetry', {}))
        .thenThrows(RuleViolation, 'JOB_NOT_RETRYABLE', JOB_RULES.onlyFailedOrCancelledJobsCanBeRetried);
    });
  });
});
