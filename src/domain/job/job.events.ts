import { DomainEvent } from '../common/domain-event';

/** Events of the `job-<id>` stream. Type strings are stable: never rename one that has shipped. */

export function jobStreamId(jobId: string): string {
  return `job-${jobId}`;
}

export const JOB_STATUSES = ['queued', 'running', 'retry_wait', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface JobError {
  readonly code: string;
  readonly message: string;
}

export interface JobQueuedData {
  readonly jobId: string;
  readonly kind: string;
  readonly siteId: string | null;
  readonly nodeId: string | null;
  readonly maxAttempts: number;
}
export interface JobStartedData {
  readonly jobId: string;
  readonly attempt: number;
  readonly workerId: string;
}
export interface JobRetryScheduledData {
  readonly jobId: string;
  readonly attempt: number;
  readonly error: JobError;
  /** ISO-8601 time before which the job is not claimed again. */
  readonly runAfter: string;
}
export interface JobSucceededData {
  readonly jobId: string;
  readonly attempt: number;
  readonly summary?: string;
}
export interface JobFailedData {
  readonly jobId: string;
  readonly attempt: number;
  readonly error: JobError;
}
export interface JobCancelRequestedData {
  readonly jobId: string;
}
export interface JobCancelledData {
  readonly jobId: string;
}
export interface JobRetryRequestedData {
  readonly jobId: string;
}

export type JobQueued = DomainEvent<'JobQueued', JobQueuedData>;
export type JobStarted = DomainEvent<'JobStarted', JobStartedData>;
export type JobRetryScheduled = DomainEvent<'JobRetryScheduled', JobRetryScheduledData>;
export type JobSucceeded = DomainEvent<'JobSucceeded', JobSucceededData>;
export type JobFailed = DomainEvent<'JobFailed', JobFailedData>;
export type JobCancelRequested = DomainEvent<'JobCancelRequested', JobCancelRequestedData>;
export type JobCancelled = DomainEvent<'JobCancelled', JobCancelledData>;
export type JobRetryRequested = DomainEvent<'JobRetryRequested', JobRetryRequestedData>;

export type JobEvent =
  | JobQueued
  | JobStarted
  | JobRetryScheduled
  | JobSucceeded
  | JobFailed
  | JobCancelRequested
  | JobCancelled
  | JobRetryRequested;

export type JobEventType = JobEvent['type'];

export const JOB_EVENT_TYPES = [
  'JobQueued',
  'JobStarted',
  'JobRetryScheduled',
  'JobSucceeded',
  'JobFailed',
  'JobCancelRequested',
  'JobCancelled',
  'JobRetryRequested',
] as const satisfies readonly JobEventType[];
