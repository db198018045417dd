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
