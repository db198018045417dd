import { DomainEvent } from '../../domain/common/domain-event';

/** Who did it and why: mandatory on every append. */
export interface EventMetadata {
  /** `user:<id>`, `token:<id>` or `system` (or `system:<component>`). */
  readonly actor: string;
  readonly correlationId: string;
  /** The event or command that caused this one. */
  readonly causationId: string;
  /** Idempotency key: a repeated command id returns the first result and appends nothing. */
  readonly commandId: string;
}

export interface RecordedEvent<E extends DomainEvent = DomainEvent> {
  readonly globalPosition: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: E['type'];
  readonly schemaVersion: number;
  readonly data: E['data'];
  readonly metadata: EventMetadata;
  readonly recordedAt: string;
  readonly hash: string;
}

/** A job a reactor asks for; it is inserted in the same transaction as the events that caused it. */
export interface JobRequest {
  readonly kind: string;
  readonly payload: Record<string, unknown>;
  readonly siteId?: string;
  readonly nodeId?: string;
  /** At most one running job per key (e.g. `site:<id>`). */
  readonly concurrencyKey?: string;
  /** At most one unfinished job per key; a second request with the same key is dropped. */
  readonly dedupKey?: string;
  readonly maxAttempts?: number;
  /** Delay before the first attempt, in ms. */
  readonly delayMs?: number;
}

export interface EnqueuedJob {
  readonly id: string;
  readonly kind: string;
  /** False when a job with the same dedup key was already unfinished. */
  readonly created: boolean;
}

export interface AppendRequest {
  readonly streamId: string;
  /** Number of events the stream must have now (0 = the stream must not exist yet). */
  readonly expectedVersion: number;
  readonly events: readonly DomainEvent[];
  readonly metadata: EventMetadata;
  /** Stored with the command id; a later append with the same id and another hash is refused. */
  readonly requestHash?: string;
}

export interface AppendResult {
  readonly streamId: string;
  /** Stream version after the append. */
  readonly version: number;
  readonly events: readonly RecordedEvent[];
  readonly jobs: readonly EnqueuedJob[];
  /** True when the command id had been seen before: nothing was appended, the first result is returned. */
  readonly duplicate: boolean;
}

export interface StreamSlice {
  readonly streamId: string;
  readonly version: number;
  readonly events: readonly RecordedEvent[];
}

export interface EventQuery {
  readonly streamId?: string;
  readonly type?: string;
  readonly actor?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** ISO timestamps, inclusive. */
  readonly from?: string;
  readonly to?: string;
  /** Global position to start after (pagination cursor). */
  readonly after?: number;
  readonly limit: number;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checked: number;
  readonly firstBroken?: { globalPosition: number; eventId: string; reason: string };
}

export interface VerifyOptions {
  /** Called after each chunk with the number of events checked so far. */
  readonly onChunk?: (checked: number) => void;
  readonly chunkSize?: number;
}

/** The newest event's position and hash: what an anchor signs. */
export interface ChainHead {
  readonly position: number;
  readonly hash: string;
  readonly recordedAt: string;
}

export abstract class EventStore {
  /** Appends atomically with inline projections and reactors, or throws VersionConflict. */
  abstract append(request: AppendRequest): AppendResult;
  abstract readStream(streamId: string): StreamSlice;
  abstract query(query: EventQuery): RecordedEvent[];
  /** Walks the hash chain in chunks (never blocking the process for long); names the first broken link. */
  abstract verify(options?: VerifyOptions): Promise<VerifyResult>;
  abstract head(): ChainHead | null;
  abstract hashAt(position: number): string | null;
  abstract count(): number;
}

/** Inserts a job row inside the caller's transaction (implemented by the SQLite job queue). */
export interface JobEnqueuer {
  enqueue(request: JobRequest & { id: string; correlationId: string; actor: string }): EnqueuedJob;
}

export abstract class CommandLog {
  /**
   * The stored result of a command id that was already processed. With a request hash: throws
   * IDEMPOTENCY_KEY_REUSED when the id was first used with another request.
   */
  abstract previousResult(commandId: string, requestHash?: string): AppendResult | undefined;
}
