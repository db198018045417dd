/** What the API, CLI and pages show of a node's restic repository: never its password or key. */
export interface BackupRepositoryView {
  nodeId: string;
  repositoryId: string;
  /** An absolute path on the node, or sftp:user@host:/path. */
  url: string;
  kind: string;
  /** Whether an sftp private key is stored (it is never shown). */
  sftpKey: boolean;
  /** pending (not checked yet) | ok | failed: the last `restic check`. */
  status: string;
  checkPending: boolean;
  lastCheckedAt: string | null;
  lastError: { code: string; message: string } | null;
  setAt: string;
  updatedAt: string;
}

export type BackupRepositoryRow = {
  node_id: string;
  repository_id: string;
  url: string;
  kind: string;
  sftp_key: number;
  status: string;
  check_pending: number;
  last_checked_at: string | null;
  last_error: string | null;
  set_at: string;
  updated_at: string;
};

export function toBackupRepositoryView(row: BackupRepositoryRow): BackupRepositoryView {
  return {
    nodeId: row.node_id,
    repositoryId: row.repository_id,
    url: row.url,
    kind: row.kind,
    sftpKey: row.sftp_key === 1,
    status: row.status,
    checkPending: row.check_pending === 1,
    lastCheckedAt: row.last_checked_at,
    lastError: row.last_error ? (JSON.parse(row.last_error) as { code: string; message: string }) : null,
    setAt: row.set_at,
    updatedAt: row.updated_at,
  };
}
