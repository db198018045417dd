import type { Statement } from 'better-sqlite3';
import { SqlReader, SqlValue } from '../../application/ports/sql-reader.port';
import type { Database } from './database';

/** SqlReader on better-sqlite3, caching one prepared statement per SQL text. */
export class SqliteSqlReader extends SqlReader {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {
    super();
  }

  all<T>(sql: string, params: readonly SqlValue[] | Record<string, SqlValue> = []): T[] {
    const stmt = this.prepare(sql);
    return (Array.isArray(params) ? stmt.all(...params) : stmt.all(params)) as T[];
  }

  get<T>(sql: string, params: readonly SqlValue[] | Record<string, SqlValue> = []): T | undefined {
    const stmt = this.prepare(sql);
    return (Array.isArray(params) ? stmt.get(...params) : stmt.get(params)) as T | undefined;
  }

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
