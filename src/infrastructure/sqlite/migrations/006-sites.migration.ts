// Migration 006: what running sites needs. Sealed per-environment secrets (never in events), the
// archives uploaded for deploys, and the release and health columns of the environments read model.
export const sql = `
CREATE TABLE site_secrets (
  site_id     TEXT NOT NULL,
  environment TEXT NOT NULL,
  sealed      BLOB NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (site_id, environment)
) WITHOUT ROWID;

CREATE TABLE uploads (
  id         TEXT PRIMARY KEY,
  sha256     TEXT NOT NULL,
  size       INTEGER NOT NULL,
  path       TEXT NOT NULL,
  actor      TEXT NOT NULL,
  created_at TEXT NOT NULL
);

ALTER TABLE rm_environments ADD COLUMN previous_release_id TEXT;
ALTER TABLE rm_environments ADD COLUMN releases TEXT NOT NULL DEFAULT '[]';
ALTER TABLE rm_environments ADD COLUMN bad_release_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE rm_environments ADD COLUMN health TEXT NOT NULL DEFAULT 'unknown';
`;
