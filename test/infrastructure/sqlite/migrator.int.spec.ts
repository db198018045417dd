import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '../../../src/infrastructure/sqlite/migrator';
import { MIGRATIONS } from '../../../src/infrastructure/sqlite/migrations';

describe('numbered forward-only migrations (real SQLite file)', () => {
  let dir: string;
  let db: BetterSqlite3.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pressluft-migrate-'));
    db = new BetterSqlite3(join(dir, 'm.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies every migration once, in order, and records it', () => {
    expect(runMigrations(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(runMigrations(db)).toEqual([]);
    const recorded = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(recorded).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('applies only the new migrations to an existing database', () => {
    runMigrations(db, [{ version: 1, name: '001-a', sql: 'CREATE TABLE a (x)' }]);
    expect(runMigrations(db, [{ version: 1, name: '001-a', sql: 'CREATE TABLE a (x)' }, { version: 2, name: '002-b', sql: 'CREATE TABLE b (y)' }])).toEqual([2]);
  });

  it('refuses a migration numbered below one already applied (forward-only) and changes nothing', () => {
    runMigrations(db, [{ version: 2, name: '002-b', sql: 'CREATE TABLE b (y)' }]);
    expect(() => runMigrations(db, [{ version: 1, name: '001-a', sql: 'CREATE TABLE a (x)' }])).toThrow('forward-only');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'a'").get()).toBeUndefined();
  });

  it('rolls a failing migration back completely', () => {
    expect(() => runMigrations(db, [{ version: 1, name: '001-bad', sql: 'CREATE TABLE ok (x); CREATE TABLE broken (' }])).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok'").get()).toBeUndefined();
  });
});
