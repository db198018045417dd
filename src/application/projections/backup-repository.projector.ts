import type { BackupRepositoryCheckFailedData, NodeBackupRepositorySetData } from '../../domain/node/node.events';
import type { RecordedEvent } from '../ports/event-store.port';
import type { BackupRepositoryRow } from '../nodes/backup-repository/backup-repository.view';
import type { RowProjection } from './row-projection';

const HANDLED = new Set(['NodeBackupRepositorySet', 'NodeBackupRepositoryRemoved', 'BackupRepositoryCheckRequested', 'BackupRepositoryChecked', 'BackupRepositoryCheckFailed']);

/** rm_backup_repositories: a node's restic repository and its last check (no secret: those are sealed apart). */
export const backupRepositoryProjection: RowProjection<BackupRepositoryRow> = {
  name: 'backup-repositories',
  table: 'rm_backup_repositories',
  primaryKey: ['node_id'],
  columns: ['node_id', 'repository_id', 'url', 'kind', 'sftp_key', 'status', 'check_pending', 'last_checked_at', 'last_error', 'set_at', 'updated_at'],
  handles: (type) => HANDLED.has(type),
  keys: (event: RecordedEvent) => [[(event.data as { nodeId: string }).nodeId]],
  evolve: (row, event) => {
    const at = event.recordedAt;
    const repositoryId = (event.data as { repositoryId: string }).repositoryId;
    if (event.type === 'NodeBackupRepositorySet') {
      const d = event.data as NodeBackupRepositorySetData;
      return {
        node_id: d.nodeId,
        repository_id: d.repositoryId,
        url: d.url,
        kind: d.kind,
        sftp_key: d.sftpKey ? 1 : 0,
        status: 'pending',
        check_pending: 0,
        last_checked_at: null,
        last_error: null,
        set_at: at,
        updated_at: at,
      };
    }
    // Events of a repository that was replaced meanwhile do not touch the new one's row.
    if (!row || row.repository_id !== repositoryId) return row ?? null;
    switch (event.type) {
      case 'NodeBackupRepositoryRemoved':
        return null;
      case 'BackupRepositoryCheckRequested':
        return { ...row, check_pending: 1, updated_at: at };
      case 'BackupRepositoryChecked':
        return { ...row, status: 'ok', check_pending: 0, last_checked_at: at, last_error: null, updated_at: at };
      default: {
        const d = event.data as BackupRepositoryCheckFailedData;
        return {
          ...row,
          status: 'failed',
          check_pending: 0,
          last_checked_at: at,
          last_error: JSON.stringify({ code: d.error.code, message: d.error.message }),
          updated_at: at,
        };
      }
    }
  },
};
