import { ErrorCode } from '../../domain/common/error-codes';
import type { EnqueuedJob, JobRequest } from './event-store.port';

export type JobState = 'queued' | 'running' | 'retry_wait' | 'succeeded' | 'failed' | 'cancelled';

export interface JobError {
  readonly code: ErrorCode | string;
  readonly message: string;
}

/** A row of the `jobs` table as the worker sees it. */
export interface JobRecord {
  readonly id: string;
  readonly kind: string;
  readonly payload: Record<string, unknown>;
  readonly state: JobState;
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The run of the job: 1 when queued, +1 for each operator retry (attempts count within a run). */
  readonly run: number;
  readonly runAfter: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  readonly concurrencyKey: string | null;
  readonly dedupKey: string | null;
  readonly cancelRequested: boolean;
  readonly remoteRunId: string | null;
  readonly lastError: JobError | null;
  readonly siteId: string | null;
  readonly nodeId: string | null;
  readonly correlationId: string;
  readonly actor: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Given to a job handler while it runs. */
export interface JobContext {
  readonly job: JobRecord;
  /** Aborted when the job is cancelled or the worker shuts down. */
  readonly signal: AbortSignal;
  /** Appends a line to the job's live log (scrubbed of the registered secrets). */
  log(line: string): void;
  /**
   * Stores the remote run id before launching it (the runner calls it before every launch); throws
   * JobFailure when the job's lease is lost, so a worker that no longer owns the job launches nothing.
   */
  setRemoteRunId(runId: string): void;
  /**
   * Registers a secret of this job (a password, key, token, salt): from now on it is removed from
   * everything stored for the job — log lines, run events, failure messages, outcome summaries (see
   * SecretScrubber for the encodings). Register secrets before they can appear (before the first run).
   */
  addSecret(value: string): void;
  /** The given text or JSON-like value with every registered secret removed (for handlers that store output). */
  scrub<T>(value: T): T;
}

export interface JobHandlerResult {
  readonly summary?: Record<string, unknown>;
}

/** One per job kind. Handlers must be idempotent: a job runs at least once. */
export interface JobHandler {
  readonly kind: string;
  handle(ctx: JobContext): Promise<JobHandlerResult | void>;
}

/** Thrown by a handler to fail a job with a code; `retryable: false` skips remaining attempts. */
export class JobFailure extends Error {
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly retryable = true,
    /** Facts for the outcome, e.g. `{rolledBack: true}` when a deploy put the last good release back. */
    readonly summary?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

/** The queue operations that commands need (cancel, retry, counts); the worker uses the full adapter. */
export abstract class JobQueueAdmin {
  /** queued/retry_wait -> cancelled at once; running -> cancel requested; finished -> false. */
  abstract requestCancel(jobId: string): 'cancelled' | 'requested' | false;
  /** failed/cancelled -> queued with attempts reset. */
  abstract retry(jobId: string): boolean;
  abstract get(jobId: string): JobRecord | undefined;
  abstract counts(): Record<JobState, number>;
}

/** Inserts one job row inside the caller's transaction (the SQLite job queue); see EnqueueJob. */
export abstract class JobQueueWriter {
  abstract enqueue(request: JobRequest & { id: string; correlationId: string; actor: string }): EnqueuedJob;
}
