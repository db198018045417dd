import type { Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import type { Row, RowProjection } from '../../application/projections/row-projection';
import type { Database } from '../sqlite/database';

interface Compiled {
  projection: RowProjection;
  select: Statement;
  upsert: Statement;
  remove: Statement;
}

/** Runs every row projection for one event, inside the caller's (append) transaction. */
export class InlineProjections {
  private readonly compiled: Compiled[];

  constructor(
    db: Database,
    readonly projections: readonly RowProjection[],
  ) {
    this.compiled = projections.map((projection) => compile(db, projection));
  }

  apply(event: RecordedEvent): void {
    for (const c of this.compiled) {
      if (!c.projection.handles(event.type)) continue;
      for (const key of c.projection.keys(event)) {
        const before = c.select.get(...key) as Row | undefined;
        const after = c.projection.evolve(before, event, key);
        if (after) c.upsert.run(c.projection.columns.map((col) => after[col] ?? null));
        else if (before) c.remove.run(...key);
      }
    }
  }
}

function compile(db: Database, p: RowProjection): Compiled {
  const pk = p.primaryKey.map((c) => `${c} = ?`).join(' AND ');
  const updates = p.columns.filter((c) => !p.primaryKey.includes(c)).map((c) => `${c} = excluded.${c}`);
  return {
    projection: p,
    select: db.prepare(`SELECT ${p.columns.join(', ')} FROM ${p.table} WHERE ${pk}`),
    upsert: db.prepare(
      `INSERT INTO ${p.table} (${p.columns.join(', ')}) VALUES (${p.columns.map(() => '?').join(', ')})
       ON CONFLICT (${p.primaryKey.join(', ')}) ${updates.length ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`,
    ),
    remove: db.prepare(`DELETE FROM ${p.table} WHERE ${pk}`),
  };
}
