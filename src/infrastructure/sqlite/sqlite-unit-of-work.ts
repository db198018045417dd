import { UnitOfWork } from '../../application/ports/unit-of-work.port';
import { Database, immediate } from './database';

export class SqliteUnitOfWork extends UnitOfWork {
  constructor(private readonly db: Database) {
    super();
  }

  run<T>(fn: () => T): T {
    return immediate(this.db, fn);
  }
}
