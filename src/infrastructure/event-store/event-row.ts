import type { EventMetadata, RecordedEvent } from '../../application/ports/event-store.port';
import { eventHash } from './event-hash';

/** An `events` table row as SQLite returns it. */
export interface EventRow {
  global_position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
  hash?: string;
}

/** The hash a stored row should carry when it chains to `previousHash` (what append wrote, what verify checks). */
export function hashOfRow(previousHash: string, row: EventRow): string {
  return eventHash(previousHash, {
    globalPosition: row.global_position,
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  });
}

type Upcast = (type: string, schemaVersion: number, data: Record<string, unknown>) => Record<string, unknown>;

/** Parses a stored row and upcasts its data to the type's current schema version. */
export function toRecordedEvent(row: EventRow, upcast: Upcast): RecordedEvent {
  return {
    globalPosition: row.global_position,
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    schemaVersion: row.schema_version,
    data: upcast(row.type, row.schema_version, JSON.parse(row.data)),
    metadata: JSON.parse(row.metadata) as EventMetadata,
    recordedAt: row.recorded_at,
    hash: row.hash ?? '',
  };
}

/**
 * The columns a replay reads, in the order of a ReplayRow. Not event_id: no projection reads it, and
 * a million ids are a million strings to build; LazyRecordedEvent looks one up when asked.
 */
export const REPLAY_COLUMNS = 'global_position, stream_id, stream_version, type, schema_version, data, metadata, recorded_at';

/**
 * An `events` row read with better-sqlite3's raw mode (an array in REPLAY_COLUMNS order): a replay
 * reads every event, and arrays cost far less to build than one object with named keys per row.
 */
export type ReplayRow = [number, string, number, string, number, string, string, string];

/**
 * A replayed row as a RecordedEvent whose metadata is parsed (and event id read) only if a projection
 * asks: a rebuild reads every event, and most projections never look at either.
 */
export class LazyRecordedEvent implements RecordedEvent {
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: object;
  readonly recordedAt: string;
  readonly hash = '';
  private readonly rawMetadata: string;
  private parsedMetadata?: EventMetadata;

  constructor(
    row: ReplayRow,
    upcast: Upcast,
    private readonly eventIdAt: (globalPosition: number) => string,
  ) {
    this.globalPosition = row[0];
    this.streamId = row[1];
    this.streamVersion = row[2];
    this.type = row[3];
    this.schemaVersion = row[4];
    this.data = upcast(row[3], row[4], JSON.parse(row[5]));
    this.rawMetadata = row[6];
    this.recordedAt = row[7];
  }

  get eventId(): string {
    return this.eventIdAt(this.globalPosition);
  }

  get metadata(): EventMetadata {
    return (this.parsedMetadata ??= JSON.parse(this.rawMetadata) as EventMetadata);
  }
}
