import type { RecordedEvent } from '../ports/event-store.port';
import type { SqlValue } from '../ports/sql-reader.port';

export type Row = Record<string, SqlValue>;

/**
 * A read model table built row by row from events. The same `evolve` runs inline (inside the append
 * transaction: read row, evolve, upsert) and in a rebuild (fold in memory, then bulk insert), so a
 * rebuild produces exactly the rows the inline path produced.
 */
export interface RowProjection<R extends Row = Row> {
  readonly name: string;
  readonly table: string;
  readonly primaryKey: readonly (keyof R & string)[];
  readonly columns: readonly (keyof R & string)[];
  /** Whether this projection reads events of this type. */
  handles(type: string): boolean;
  /** Primary-key values (in primaryKey order) of every row this event touches. */
  keys(event: RecordedEvent): SqlValue[][];
  /** The row after the event; null removes it. Must be deterministic: no clock, no randomness. */
  evolve(row: R | undefined, event: RecordedEvent, key: SqlValue[]): R | null;
}
