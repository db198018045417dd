// Migration 013 (issue 10): a restic repository per node. rm_backup_repositories is the read model of the
// node streams (no secret); backup_repository_secrets holds the sealed password and sftp key beside the log.
export const sql = `
CREATE TABLE rm_backup_repositories (
  node_id           TEXT PRIMARY KEY,
  repository_id     TEXT NOT NULL,
  url               TEXT NOT NULL,
  -- local | sftp
  kind              TEXT NOT NULL,
  sftp_key          INTEGER NOT NULL,
  -- pending (set, not checked yet) | ok | failed
  status            TEXT NOT NULL,
  check_pending     INTEGER NOT NULL,
  last_checked_at   TEXT,
  -- JSON {code, message} of the last failed check, null after a good one
  last_error        TEXT,
  set_at            TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);

CREATE TABLE backup_repository_secrets (
  node_id        TEXT PRIMARY KEY,
  repository_id  TEXT NOT NULL,
  -- SecretBox-sealed JSON {password, sftpKey}, AAD backup-repository:<node>:<repository>
  sealed         BLOB NOT NULL,
  created_at     TEXT NOT NULL
);
`;
