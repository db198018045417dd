import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, NotFound } from '../../../domain/common/domain-error';
import { SqlReader } from '../../ports/sql-reader.port';
import { BackupRepositoryRow, BackupRepositoryView, toBackupRepositoryView } from '../backup-repository/backup-repository.view';
import { GetBackupRepositoryQuery } from './get-backup-repository.query';

/** The node's repository as rm_backup_repositories holds it: url and status, never a secret. */
export function backupRepositoryOf(sql: SqlReader, nodeId: string): BackupRepositoryView | null {
  const row = sql.get<BackupRepositoryRow>('SELECT * FROM rm_backup_repositories WHERE node_id = ?', [nodeId]);
  return row ? toBackupRepositoryView(row) : null;
}

@QueryHandler(GetBackupRepositoryQuery)
export class GetBackupRepositoryHandler implements IQueryHandler<GetBackupRepositoryQuery, BackupRepositoryView> {
  constructor(private readonly sql: SqlReader) {}

  async execute({ nodeId }: GetBackupRepositoryQuery): Promise<BackupRepositoryView> {
    if (!this.sql.get('SELECT 1 FROM rm_nodes WHERE id = ?', [nodeId])) throw new NotFound('node', nodeId);
    const repository = backupRepositoryOf(this.sql, nodeId);
    if (!repository) throw new DomainError('BACKUP_REPOSITORY_NOT_FOUND', `Node ${nodeId} has no backup repository`, { nodeId });
    return repository;
  }
}
