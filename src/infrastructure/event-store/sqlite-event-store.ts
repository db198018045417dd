import type { Statement } from 'better-sqlite3';
import { Clock, IdGenerator } from '../../application/ports/clock.port';
import {
  AppendRequest,
  AppendResult,
  ChainHead,
  CommandLog,
  EnqueuedJob,
  EventMetadata,
  EventQuery,
  EventStore,
  JobEnqueuer,
  RecordedEvent,
  StreamSlice,
  VerifyOptions,
  VerifyResult,
} from '../../application/ports/event-store.port';

/** Events hashed per chunk of verify() before it yields to the event loop. */
export const VERIFY_CHUNK = 2_000;
import type { Reactor } from '../../application/reactors/reactor';
import { DomainEvent } from '../../domain/common/domain-event';
import { DomainError, VersionConflict } from '../../domain/common/domain-error';
import { currentSchemaVersion, upcast } from '../../domain/event-types';
import { DEFAULT_MAX_ATTEMPTS, initialJobState, jobDecider } from '../../domain/job/job.decider';
import { jobStreamId } from '../../domain/job/job.events';
import { Database, immediate } from '../sqlite/database';
import { canonicalJson } from './canonical-json';
import { eventHash, GENESIS_HASH } from './event-hash';
import { InlineProjections } from './inline-projections';
import { EventRow, hashOfRow, toRecordedEvent } from './event-row';

interface PendingEvent {
  streamId: string;
  version: number;
  event: DomainEvent;
  metadata: EventMetadata;
}

/**
 * What processed_commands keeps of an append: the events stay in `events` only (a repeated command reads
 * them back by version), so the row is small and the look-up every command makes stays cheap.
 */
interface StoredResult {
  readonly streamId: string;
  readonly version: number;
  readonly eventCount: number;
  readonly jobs: readonly EnqueuedJob[];
}

/**
 * The event store on one SQLite file. An append is one BEGIN IMMEDIATE transaction that checks the
 * expected version, inserts the events with their hash links, runs the inline projections and the
 * reactors (which insert job rows and their JobQueued events), and records the command id.
 */
export class SqliteEventStore extends EventStore implements CommandLog {
  private readonly stmt: {
    commandResult: Statement;
    recordCommand: Statement;
    streamVersion: Statement;
    head: Statement;
    insert: Statement;
    readStream: Statement;
    readRange: Statement;
    count: Statement;
  };

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly projections: InlineProjections,
    private readonly reactors: readonly Reactor[],
    private readonly jobs: JobEnqueuer,
  ) {
    super();
    this.stmt = {
      commandResult: db.prepare('SELECT result, request_hash AS requestHash FROM processed_commands WHERE command_id = ?'),
      recordCommand: db.prepare(
        'INSERT INTO processed_commands (command_id, stream_id, result, recorded_at, request_hash) VALUES (?, ?, ?, ?, ?)',
      ),
      streamVersion: db.prepare('SELECT MAX(stream_version) FROM events WHERE stream_id = ?').pluck(),
      head: db.prepare('SELECT global_position AS position, hash FROM events ORDER BY global_position DESC LIMIT 1'),
      insert: db.prepare(`INSERT INTO events
        (global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      readStream: db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY stream_version'),
      readRange: db.prepare('SELECT * FROM events WHERE stream_id = ? AND stream_version > ? AND stream_version <= ? ORDER BY stream_version'),
      count: db.prepare('SELECT COUNT(*) FROM events').pluck(),
    };
  }

  append(request: AppendRequest): AppendResult {
    requireMetadata(request.metadata);
    return immediate(this.db, () => {
      const previous = this.previousResult(request.metadata.commandId, request.requestHash);
      if (previous) return { ...previous, duplicate: true };

      const actual = this.versionOf(request.streamId);
      if (actual !== request.expectedVersion) {
        throw new VersionConflict(request.streamId, request.expectedVersion, actual);
      }
      const head = this.stmt.head.get() as { position: number; hash: string } | undefined;
      const chain = { position: head?.position ?? 0, hash: head?.hash ?? GENESIS_HASH };
      const jobs: EnqueuedJob[] = [];
      const recorded = this.write(
        request.events.map((event, i) => ({
          streamId: request.streamId,
          version: actual + i + 1,
          event,
          metadata: request.metadata,
        })),
        chain,
        jobs,
      );
      const result: AppendResult = {
        streamId: request.streamId,
        version: actual + request.events.length,
        events: recorded.filter((e) => e.streamId === request.streamId),
        jobs,
        duplicate: false,
      };
      const stored: StoredResult = { streamId: result.streamId, version: result.version, eventCount: result.events.length, jobs };
      this.stmt.recordCommand.run(request.metadata.commandId, request.streamId, JSON.stringify(stored), this.clock.nowIso(), request.requestHash ?? null);
      return result;
    });
  }

  /** Inserts, projects and reacts; events caused by reactors (JobQueued) are written the same way. */
  private write(pending: PendingEvent[], chain: { position: number; hash: string }, jobs: EnqueuedJob[]): RecordedEvent[] {
    const recordedAt = this.clock.nowIso();
    const out: RecordedEvent[] = [];
    for (const p of pending) {
      const globalPosition = chain.position + 1;
      const eventId = this.ids.newId();
      const schemaVersion = currentSchemaVersion(p.event.type);
      const data = canonicalJson(p.event.data);
      const metadata = canonicalJson(p.metadata);
      const hash = eventHash(chain.hash, {
        globalPosition,
        eventId,
        streamId: p.streamId,
        streamVersion: p.version,
        type: p.event.type,
        schemaVersion,
        data,
        metadata,
        recordedAt,
      });
      this.stmt.insert.run(globalPosition, eventId, p.streamId, p.version, p.event.type, schemaVersion, data, metadata, recordedAt, hash);
      chain.position = globalPosition;
      chain.hash = hash;
      const event: RecordedEvent = {
        globalPosition,
        eventId,
        streamId: p.streamId,
        streamVersion: p.version,
        type: p.event.type,
        schemaVersion,
        data: p.event.data,
        metadata: p.metadata,
        recordedAt,
        hash,
      };
      this.projections.apply(event);
      out.push(event);
      out.push(...this.react(event, chain, jobs));
    }
    return out;
  }

  private react(event: RecordedEvent, chain: { position: number; hash: string }, jobs: EnqueuedJob[]): RecordedEvent[] {
    const caused: RecordedEvent[] = [];
    for (const reactor of this.reactors) {
      if (!reactor.handles.has(event.type)) continue;
      reactor.react(event).forEach((request, i) => {
        const maxAttempts = request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
        const job = this.jobs.enqueue({
          ...request,
          maxAttempts,
          id: this.ids.newId(),
          correlationId: event.metadata.correlationId,
          actor: event.metadata.actor,
        });
        jobs.push(job);
        if (!job.created) return;
        const queued = jobDecider.decide(
          { type: 'QueueJob', jobId: job.id, kind: request.kind, siteId: request.siteId, nodeId: request.nodeId, maxAttempts },
          initialJobState,
          { now: event.recordedAt, newId: () => this.ids.newId() },
        );
        const metadata: EventMetadata = {
          actor: event.metadata.actor,
          correlationId: event.metadata.correlationId,
          causationId: event.eventId,
          commandId: `${event.eventId}/${reactor.name}/${i}`,
        };
        caused.push(...this.write(queued.map((e, v) => ({ streamId: jobStreamId(job.id), version: v + 1, event: e, metadata })), chain, jobs));
      });
    }
    return caused;
  }

  previousResult(commandId: string, requestHash?: string): AppendResult | undefined {
    const row = this.stmt.commandResult.get(commandId) as { result: string; requestHash: string | null } | undefined;
    if (row === undefined) return undefined;
    if (requestHash !== undefined && row.requestHash !== null && row.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request; use a new key.', {
        header: 'Idempotency-Key',
      });
    }
    const stored = JSON.parse(row.result) as StoredResult;
    const rows = this.stmt.readRange.all(stored.streamId, stored.version - stored.eventCount, stored.version) as EventRow[];
    return { streamId: stored.streamId, version: stored.version, events: rows.map((row) => toRecordedEvent(row, upcast)), jobs: stored.jobs, duplicate: false };
  }

  private versionOf(streamId: string): number {
    return (this.stmt.streamVersion.get(streamId) as number | null) ?? 0;
  }

  readStream(streamId: string): StreamSlice {
    const events = (this.stmt.readStream.all(streamId) as EventRow[]).map((row) => toRecordedEvent(row, upcast));
    return { streamId, version: events.length, events };
  }

  query(q: EventQuery): RecordedEvent[] {
    const where: string[] = ['global_position > @after'];
    const params: Record<string, string | number> = { after: q.after ?? 0, limit: q.limit };
    if (q.streamId) (where.push('stream_id = @streamId'), (params.streamId = q.streamId));
    if (q.type) (where.push('type = @type'), (params.type = q.type));
    if (q.actor) (where.push("json_extract(metadata, '$.actor') = @actor"), (params.actor = q.actor));
    if (q.correlationId) {
      where.push("json_extract(metadata, '$.correlationId') = @correlationId");
      params.correlationId = q.correlationId;
    }
    if (q.causationId) (where.push("json_extract(metadata, '$.causationId') = @causationId"), (params.causationId = q.causationId));
    if (q.from) (where.push('recorded_at >= @from'), (params.from = q.from));
    if (q.to) (where.push('recorded_at <= @to'), (params.to = q.to));
    const rows = this.db
      .prepare(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY global_position LIMIT @limit`)
      .all(params) as EventRow[];
    return rows.map((row) => toRecordedEvent(row, upcast));
  }

  /**
   * Walks the chain in chunks of VERIFY_CHUNK events, yielding to the event loop between chunks, so a
   * long log never blocks the HTTP server. `onChunk` reports progress (checked so far) after each chunk.
   */
  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    let previous = GENESIS_HASH;
    let checked = 0;
    let expectedPosition: number | undefined;
    let after = 0;
    const chunk = this.db.prepare('SELECT * FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?');
    for (;;) {
      const rows = chunk.all(after, options.chunkSize ?? VERIFY_CHUNK) as EventRow[];
      if (rows.length === 0) break;
      const broken = this.verifyRows(rows, previous, expectedPosition);
      checked += broken.checked;
      if (broken.firstBroken) return { ok: false, checked, firstBroken: broken.firstBroken };
      const last = rows[rows.length - 1];
      previous = last.hash as string;
      expectedPosition = last.global_position + 1;
      after = last.global_position;
      options.onChunk?.(checked);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { ok: true, checked };
  }

  private verifyRows(rows: EventRow[], previous: string, expectedPosition: number | undefined): { checked: number; firstBroken?: VerifyResult['firstBroken'] } {
    let checked = 0;
    for (const row of rows) {
      const reason =
        expectedPosition !== undefined && row.global_position !== expectedPosition
          ? `an event is missing before position ${row.global_position}`
          : row.hash !== hashOfRow(previous, row)
            ? 'hash does not match the event and the previous hash'
            : undefined;
      if (reason) return { checked, firstBroken: { globalPosition: row.global_position, eventId: row.event_id, reason } };
      previous = row.hash as string;
      expectedPosition = row.global_position + 1;
      checked++;
    }
    return { checked };
  }

  head(): ChainHead | null {
    const row = this.stmt.head.get() as { position: number; hash: string } | undefined;
    if (!row) return null;
    const recordedAt = this.db.prepare('SELECT recorded_at FROM events WHERE global_position = ?').pluck().get(row.position) as string;
    return { position: row.position, hash: row.hash, recordedAt };
  }

  hashAt(position: number): string | null {
    return (this.db.prepare('SELECT hash FROM events WHERE global_position = ?').pluck().get(position) as string | undefined) ?? null;
  }

  count(): number {
    return this.stmt.count.get() as number;
  }
}

const METADATA_FIELDS = ['actor', 'correlationId', 'causationId', 'commandId'] as const;

/** Every event says who caused it and why; an append without that is a programming error. */
function requireMetadata(metadata: EventMetadata): void {
  for (const field of METADATA_FIELDS) {
    const value = metadata?.[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
      throw new DomainError('INTERNAL', `event metadata.${field} is required`, { field });
    }
  }
}
