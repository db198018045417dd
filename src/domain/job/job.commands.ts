import { JobError } from './job.events';

/** Commands of the Job aggregate. Record* commands are issued by the worker, the rest by operators/reactors. */

export interface QueueJob {
  readonly type: 'QueueJob';
  readonly jobId: string;
  readonly kind: string;
  readonly siteId?: string | null;
  readonly nodeId?: string | null;
  /** Defaults to DEFAULT_MAX_ATTEMPTS. */
  readonly maxAttempts?: number;
}
export interface RequestJobCancel {
  readonly type: 'RequestJobCancel';
  readonly jobId: string;
}
export interface RequestJobRetry {
  readonly type: 'RequestJobRetry';
  readonly jobId: string;
}
export interface RecordJobStarted {
  readonly type: 'RecordJobStarted';
  readonly jobId: string;
  readonly attempt: number;
  readonly workerId: string;
}
export interface RecordJobRetryScheduled {
  readonly type: 'RecordJobRetryScheduled';
  readonly jobId: string;
  readonly attempt: number;
  readonly error: JobError;
  readonly runAfter: string;
}
export interface RecordJobSucceeded {
  readonly type: 'RecordJobSucceeded';
  readonly jobId: string;
  readonly attempt: number;
  readonly summary?: string;
}
export interface RecordJobFailed {
  readonly type: 'RecordJobFailed';
  readonly jobId: string;
  readonly attempt: number;
  readonly error: JobError;
}
export interface RecordJobCancelled {
  readonly type: 'RecordJobCancelled';
  readonly jobId: string;
}

export type JobCommand =
  | QueueJob
  | RequestJobCancel
  | RequestJobRetry
  | RecordJobStarted
  | RecordJobRetryScheduled
  | RecordJobSucceeded
  | RecordJobFailed
  | RecordJobCancelled;

export type JobCommandType = JobCommand['type'];
