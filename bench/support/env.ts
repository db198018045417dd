import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database, type SynchronousMode } from '../../src/infrastructure/sqlite/database';

const dirs: string[] = [];

/** A fresh directory under the OS temp dir; removed by cleanupTemp() (run-all calls it at the end). */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pressluft-bench-${label}-`));
  dirs.push(dir);
  return dir;
}

/** Path of a new SQLite FILE (never :memory:) in its own temp dir. */
export function tempDbFile(label: string): string {
  return join(tempDir(label), 'bench.db');
}

/**
 * Opens a file with Pressluft's own openDatabase: WAL, the given synchronous mode, foreign_keys,
 * busy_timeout, migrations. Both sides of every comparison open their file this way, so the pragmas
 * are identical by construction.
 */
export function openBenchDb(file: string, synchronous: SynchronousMode): Database {
  return openDatabase({ file, synchronous });
}

export function cleanupTemp(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
