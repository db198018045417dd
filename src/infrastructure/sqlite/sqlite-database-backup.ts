import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DatabaseBackup, DatabaseBackupReport } from '../../application/ports/database-backup.port';
import { DomainError } from '../../domain/common/domain-error';
import type { Database } from './database';

/**
 * better-sqlite3's `backup()` (the SQLite online backup API): pages are copied in steps while other
 * connections keep writing; a step that sees a change made by another connection restarts, so the copy
 * is one consistent snapshot. The copy is made 0600 and checked (integrity_check) before it is reported.
 */
export class SqliteDatabaseBackup extends DatabaseBackup {
  constructor(private readonly db: Database) {
    super();
  }

  async backup(target: string): Promise<DatabaseBackupReport> {
    const file = resolve(target);
    if (existsSync(file)) throw new DomainError('VALIDATION_FAILED', `${file} exists; a backup never overwrites a file`, { field: 'file' });
    await this.db.backup(file);
    chmodSync(file, 0o600);
    const copy = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      const integrity = copy.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new DomainError('INTERNAL', `the backup ${file} failed integrity_check: ${String(integrity)}`, {});
      const events = copy.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;
      const headPosition = (copy.prepare('SELECT MAX(global_position) FROM events').pluck().get() as number | null) ?? 0;
      return { file, bytes: statSync(file).size, events, headPosition };
    } finally {
      copy.close();
    }
  }
}
