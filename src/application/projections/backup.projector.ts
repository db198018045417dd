import type { BackupCompletedData, BackupFailedData, BackupLocation, BackupPart, BackupRequestedData } from '../../domain/site/site-backup.events';
import type { BackupDeletionFailedData, BackupDeletionRequestedData } from '../../domain/site/site-backup-schedule.events';
import type { EnvironmentDeletedData } from '../../domain/site/site-environment.events';
import type { RecordedEvent } from '../ports/event-store.port';
import type { BackupRow } from '../sites/backup.view';
import type { RowProjection } from './row-projection';

const HANDLED = new Set(['BackupRequested', 'BackupCompleted', 'BackupFailed', 'BackupRetryRequested', 'BackupDeletionRequested', 'BackupDeleted', 'BackupDeletionFailed', 'EnvironmentDeleted']);
const DELETIONS = new Set(['BackupDeletionRequested', 'BackupDeletionFailed']);

const partFields = (p: BackupPart) => ({ name: p.name, file: p.file, size: p.size, sha256: p.sha256 });

/** Fields named one by one (stored event data comes back key-sorted): a rebuild must not depend on key order. */
function locationFields(l: BackupLocation) {
  return l.kind === 'restic'
    ? { kind: l.kind, nodeId: l.nodeId, repositoryId: l.repositoryId, url: l.url, snapshotId: l.snapshotId, parts: l.parts.map(partFields) }
    : { kind: l.kind, nodeId: l.nodeId, path: l.path };
}

/** rm_backups: one row per backup (operator, pre-restore and final), its state, parts and where the copies live. */
export const backupProjection: RowProjection<BackupRow> = {
  name: 'backups',
  table: 'rm_backups',
  primaryKey: ['backup_id'],
  columns: [
    'backup_id',
    'site_id',
    'environment',
    'scope',
    'state',
    'purpose',
    'restore_id',
    'size',
    'parts',
    'locations',
    'release_id',
    'wordpress_version',
    'table_count',
    'error',
    'created_at',
    'completed_at',
  ],
  handles: (type) => HANDLED.has(type),
  keys: (event: RecordedEvent) => {
    if (event.type === 'EnvironmentDeleted') return (event.data as EnvironmentDeletedData).removedBackupIds.map((id) => [id]);
    return DELETIONS.has(event.type) ? (event.data as BackupDeletionRequestedData | BackupDeletionFailedData).backupIds.map((id) => [id]) : [[(event.data as { backupId: string }).backupId]];
  },
  evolve: (row, event) => {
    const at = event.recordedAt;
    switch (event.type) {
      // the environment's backups were removed from the node with it
      case 'EnvironmentDeleted':
        return null;
      case 'BackupRequested': {
        const d = event.data as BackupRequestedData;
        return {
          backup_id: d.backupId,
          site_id: d.siteId,
          environment: d.environment,
          scope: d.scope,
          state: 'running',
          purpose: d.purpose ?? 'operator',
          restore_id: null,
          size: null,
          parts: '[]',
          locations: '[]',
          release_id: null,
          wordpress_version: null,
          table_count: null,
          error: null,
          created_at: at,
          completed_at: null,
        };
      }
      case 'BackupRetryRequested':
        // The same backup runs again: running, its earlier error cleared.
        return row ? { ...row, state: 'running', error: null, completed_at: null } : null;
      case 'BackupCompleted': {
        // A pre-restore or final backup has no BackupRequested: its row starts here.
        const d = event.data as BackupCompletedData;
        return {
          backup_id: d.backupId,
          site_id: d.siteId,
          environment: d.environment,
          scope: d.scope,
          state: 'completed',
          purpose: d.purpose,
          restore_id: d.restoreId,
          size: d.size,
          // Fields named one by one: stored event data comes back key-sorted, so a rebuild must not depend on key order.
          parts: JSON.stringify(d.parts.map((p) => ({ name: p.name, file: p.file, size: p.size, sha256: p.sha256 }))),
          locations: JSON.stringify(d.locations.map(locationFields)),
          release_id: d.releaseId,
          wordpress_version: d.wordpressVersion,
          table_count: d.tableCount,
          error: null,
          created_at: row?.created_at ?? at,
          completed_at: at,
        };
      }
      // Deleting: listed as such until its folder is gone; a deleted backup is no longer listed.
      case 'BackupDeletionRequested':
        return row ? { ...row, state: 'deleting' } : null;
      case 'BackupDeleted':
        return null;
      case 'BackupDeletionFailed':
        return row ? { ...row, state: row.error ? 'failed' : 'completed' } : null;
      default: {
        if (!row) return null;
        const d = event.data as BackupFailedData;
        return { ...row, state: 'failed', error: JSON.stringify({ code: d.error.code, message: d.error.message }), completed_at: at };
      }
    }
  },
};
