import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
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
  const onDisk = options.file !== ':memory:';
  if (onDisk) {
    mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
    // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the database file's mode.
    if (!existsSync(options.file) && !options.readonly) closeSync(openSync(options.file, 'a', 0o600));
  }
  const db = new BetterSqlite3(options.file, { readonly: options.readonly ?? false });
  db.pragma('journal_mode = WAL');
  if (onDisk && !options.readonly) for (const suffix of ['-wal', '-shm']) if (existsSync(options.file + suffix)) chmodSync(options.file + suffix, 0o600);
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
