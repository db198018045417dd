import type { RowProjection } from '../../src/application/projections/row-projection';
import { rebuildProjections } from '../../src/infrastructure/event-store/projection-rebuilder';
import type { Database } from '../../src/infrastructure/sqlite/database';

/** The rows `sql` reads before and after `projections` are rebuilt from the log: a rebuild must leave them as they were. */
export function rowsAroundRebuild(db: Database, projections: readonly unknown[], sql: string): { before: unknown[]; after: unknown[] } {
  const before = db.prepare(sql).all();
  rebuildProjections(db, projections as RowProjection[]);
  return { before, after: db.prepare(sql).all() };
}
