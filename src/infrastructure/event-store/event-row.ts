import type { EventMetadata, RecordedEvent } from '../../application/ports/event-store.port';

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
 * A stored row as a RecordedEvent whose metadata is parsed only if a projection reads it: a rebuild
 * reads every event, and most projections never look at metadata.
 */
export class LazyRecordedEvent implements RecordedEvent {
  readonly globalPosition: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: object;
  readonly recordedAt: string;
  readonly hash: string;
  private parsedMetadata?: EventMetadata;

  constructor(
    row: EventRow,
    upcast: Upcast,
    private readonly rawMetadata = row.metadata,
  ) {
    this.globalPosition = row.global_position;
    this.eventId = row.event_id;
    this.streamId = row.stream_id;
    this.streamVersion = row.stream_version;
    this.type = row.type;
    this.schemaVersion = row.schema_version;
    this.data = upcast(row.type, row.schema_version, JSON.parse(row.data));
    this.recordedAt = row.recorded_at;
    this.hash = row.hash ?? '';
  }

  get metadata(): EventMetadata {
    return (this.parsedMetadata ??= JSON.parse(this.rawMetadata) as EventMetadata);
  }
}
