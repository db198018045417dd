import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../domain/common/domain-error';
import { parseEnvironmentName } from '../../../domain/common/value-objects';
import { SqlReader } from '../../ports/sql-reader.port';
import { BackupRow, BackupView, toBackupView } from '../backup.view';
import { ListBackupsQuery } from './list-backups.query';

@QueryHandler(ListBackupsQuery)
export class ListBackupsHandler implements IQueryHandler<ListBackupsQuery, BackupView[]> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: ListBackupsQuery): Promise<BackupView[]> {
    const environment = parseEnvironmentName(q.environment);
    // A deleted site's environments are gone, and so are its backups but the final ones (docs/backups.md).
    const deleted = this.sql.get<{ state: string }>('SELECT state FROM rm_sites WHERE id = ?', [q.siteId])?.state === 'DELETED';
    if (!deleted && !this.sql.get('SELECT 1 FROM rm_environments WHERE site_id = ? AND name = ?', [q.siteId, environment])) throw new NotFound('environment', `${q.siteId}/${environment}`);
    return this.sql
      .all<BackupRow>(
        `SELECT * FROM rm_backups WHERE site_id = ? AND environment = ?${deleted ? " AND purpose = 'final'" : ''} ORDER BY created_at DESC, backup_id DESC`,
        [q.siteId, environment],
      )
      .map(toBackupView);
  }
}
