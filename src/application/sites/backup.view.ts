import type { BackupLocation, BackupPart } from '../../domain/site/site-backup.events';

/** What the API, CLI and pages show of a backup (never a secret: the parts are on the node, root 0600). */
export interface BackupView {
  id: string;
  siteId: string;
  environment: string;
  /** db | files | full */
  scope: string;
  /** running | completed | failed */
  state: string;
  /** operator | pre-restore */
  purpose: string;
  /** The restore that took it (pre-restore backups), else null. */
  restoreId: string | null;
  /** Total bytes of the parts; null until completed. */
  size: number | null;
  parts: BackupPart[];
  /** Where each copy lives. */
  locations: BackupLocation[];
  releaseId: string | null;
  wordpressVersion: string | null;
  tableCount: number | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  completedAt: string | null;
}

export type BackupRow = {
  backup_id: string;
  site_id: string;
  environment: string;
  scope: string;
  state: string;
  purpose: string;
  restore_id: string | null;
  size: number | null;
  parts: string;
  locations: string;
  release_id: string | null;
  wordpress_version: string | null;
  table_count: number | null;
  error: string | null;
  created_at: string;
  completed_at: string | null;
};

export function toBackupView(row: BackupRow): BackupView {
  return {
    id: row.backup_id,
    siteId: row.site_id,
    environment: row.environment,
    scope: row.scope,
    state: row.state,
    purpose: row.purpose,
    restoreId: row.restore_id,
    size: row.size,
    parts: JSON.parse(row.parts) as BackupPart[],
    locations: JSON.parse(row.locations) as BackupLocation[],
    releaseId: row.release_id,
    wordpressVersion: row.wordpress_version,
    tableCount: row.table_count,
    error: row.error ? (JSON.parse(row.error) as { code: string; message: string }) : null,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}
