import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { runMigrations } from './migrator';

export type Database = BetterSqlite3.Database;
export type SynchronousMode = 'FULL' | 'NORMAL';

export interface OpenDatabaseOptions {
  readonly file: string;
  /** FULL by default: a 202 means the event is on disk. */
  readonly synchronous?: SynchronousMode;
  readonly readonly?: boolean;
}

/** Opens the SQLite file with Pressluft's pragmas and brings its schema up to date. */
export function openDatabase(options: OpenDatabaseOptions): Database {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new BetterSqlite3(options.file, { readonly: options.readonly ?? false });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  // Several processes (serve, CLI, workers) share the file: wait for the writer lock instead of failing.
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) runMigrations(db);
  return db;
}

/**
 * Runs `fn` inside BEGIN IMMEDIATE (the write lock is taken up front, so a read-then-write inside
 * never fails with SQLITE_BUSY halfway). Nested calls join the outer transaction.
 */
export function immediate<T>(db: Database, fn: () => T): T {
  if (db.inTransaction) return fn();
  return db.transaction(fn).immediate();
}
