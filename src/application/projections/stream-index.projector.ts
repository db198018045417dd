import type { RecordedEvent } from '../ports/event-store.port';
import type { RowProjection } from './row-projection';

type StreamRow = {
  stream_id: string;
  category: string;
  version: number;
  last_type: string;
  first_recorded_at: string;
  last_recorded_at: string;
};

/** rm_streams: one row per stream (its category, version, last event) — the index of the event log. */
export const streamIndexProjection: RowProjection<StreamRow> = {
  name: 'stream-index',
  table: 'rm_streams',
  primaryKey: ['stream_id'],
  columns: ['stream_id', 'category', 'version', 'last_type', 'first_recorded_at', 'last_recorded_at'],
  handles: () => true,
  keys: (event: RecordedEvent) => [[event.streamId]],
  // The row's own strings are kept when it exists (same values): a replay of a million events then
  // keeps one copy per stream instead of promoting a fresh one per event.
  evolve: (row, event) => ({
    stream_id: row?.stream_id ?? event.streamId,
    category: row?.category ?? event.streamId.slice(0, event.streamId.indexOf('-')),
    version: event.streamVersion,
    last_type: event.type,
    first_recorded_at: row?.first_recorded_at ?? event.recordedAt,
    last_recorded_at: event.recordedAt,
  }),
};
