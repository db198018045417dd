// Migration 010 (issue 10): the backups of every site environment (read model of the site streams' backup events).
export const sql = `
CREATE TABLE rm_backups (
  backup_id         TEXT PRIMARY KEY,
  site_id           TEXT NOT NULL,
  environment       TEXT NOT NULL,
  -- db | files | full
  scope             TEXT NOT NULL,
  -- running | completed | failed
  state             TEXT NOT NULL,
  -- operator | pre-restore
  purpose           TEXT NOT NULL,
  -- the restore that took it (pre-restore backups)
  restore_id        TEXT,
  -- total bytes of the parts, JSON arrays of the parts ({name, file, size, sha256}) and copies ({kind, nodeId, path})
  size              INTEGER,
  parts             TEXT NOT NULL,
  locations         TEXT NOT NULL,
  release_id        TEXT,
  wordpress_version TEXT,
  table_count       INTEGER,
  -- {code, message} of a failed backup
  error             TEXT,
  created_at        TEXT NOT NULL,
  completed_at      TEXT
);
CREATE INDEX rm_backups_site_env ON rm_backups (site_id, environment, created_at);
`;
