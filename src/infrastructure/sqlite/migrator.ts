import type { Database } from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Applies pending migrations in order, all in one BEGIN IMMEDIATE transaction; returns the versions applied. */
export function runMigrations(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const apply = db.transaction(() => {
    const done = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    const newest = Math.max(0, ...done);
    const pending = migrations.filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version);
    for (const migration of pending) {
      if (migration.version < newest) {
        throw new Error(`migration ${migration.name} is older than applied version ${newest}: migrations are forward-only`);
      }
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }
    return pending.map((m) => m.version);
  });
  return apply.immediate();
}
