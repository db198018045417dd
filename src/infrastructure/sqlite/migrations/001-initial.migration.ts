// Migration 001: event store, job queue and read models.
export const sql = `
-- Event store: the source of truth. global_position orders all events; hash chains them.
CREATE TABLE events (
  global_position INTEGER PRIMARY KEY,
  event_id        TEXT NOT NULL UNIQUE,
  stream_id       TEXT NOT NULL,
  stream_version  INTEGER NOT NULL,
  type            TEXT NOT NULL,
  schema_version  INTEGER NOT NULL,
  data            TEXT NOT NULL,
  metadata        TEXT NOT NULL,
  recorded_at     TEXT NOT NULL,
  hash            TEXT NOT NULL,
  UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_by_type ON events (type, global_position);
CREATE INDEX events_by_actor ON events (json_extract(metadata, '$.actor'), global_position);
CREATE INDEX events_by_correlation ON events (json_extract(metadata, '$.correlationId'), global_position);
CREATE INDEX events_by_recorded_at ON events (recorded_at, global_position);

-- Idempotency: the first result of every command id.
CREATE TABLE processed_commands (
  command_id  TEXT PRIMARY KEY,
  stream_id   TEXT NOT NULL,
  result      TEXT NOT NULL,
  recorded_at TEXT NOT NULL
) WITHOUT ROWID;

-- Job queue (operational state; its history is in job-<id> streams).
CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  kind             TEXT NOT NULL,
  payload          TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('queued','running','retry_wait','succeeded','failed','cancelled')),
  attempt          INTEGER NOT NULL DEFAULT 0,
  max_attempts     INTEGER NOT NULL,
  run_after        INTEGER NOT NULL,            -- epoch ms
  priority         INTEGER NOT NULL DEFAULT 0,
  lease_owner      TEXT,
  lease_expires_at INTEGER,                     -- epoch ms
  heartbeat_at     INTEGER,                     -- epoch ms
  concurrency_key  TEXT,
  dedup_key        TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  remote_run_id    TEXT,
  last_error       TEXT,
  site_id          TEXT,
  node_id          TEXT,
  correlation_id   TEXT NOT NULL,
  actor            TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  finished_at      INTEGER
);
-- Claim: covering index over the ready set (state in queued/retry_wait, ordered by run_after).
CREATE INDEX jobs_ready ON jobs (state, run_after, priority, id, kind, concurrency_key)
  WHERE state IN ('queued', 'retry_wait');
-- At most one running job per concurrency key.
CREATE UNIQUE INDEX jobs_one_running_per_key ON jobs (concurrency_key)
  WHERE state = 'running' AND concurrency_key IS NOT NULL;
-- Dedup: one unfinished job per dedup key.
CREATE UNIQUE INDEX jobs_dedup_unfinished ON jobs (dedup_key)
  WHERE dedup_key IS NOT NULL AND state IN ('queued', 'running', 'retry_wait');
CREATE INDEX jobs_running_leases ON jobs (lease_expires_at) WHERE state = 'running';

-- Read models (rebuildable from the log).
CREATE TABLE rm_nodes (
  id                   TEXT PRIMARY KEY,
  name                 TEXT NOT NULL,
  host                 TEXT NOT NULL,
  port                 INTEGER NOT NULL,
  ssh_user             TEXT NOT NULL,
  status               TEXT NOT NULL,
  host_key_fingerprint TEXT,
  facts                TEXT NOT NULL DEFAULT '{}',
  version              INTEGER NOT NULL,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL
);
CREATE UNIQUE INDEX rm_nodes_name ON rm_nodes (name);

CREATE TABLE rm_sites (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  slug        TEXT NOT NULL,
  state       TEXT NOT NULL,
  node_id     TEXT NOT NULL,
  primary_domain TEXT NOT NULL,
  version     INTEGER NOT NULL,
  last_error  TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX rm_sites_slug ON rm_sites (slug);
CREATE INDEX rm_sites_by_created ON rm_sites (created_at, id);
CREATE INDEX rm_sites_by_state ON rm_sites (state, created_at, id);
CREATE INDEX rm_sites_by_domain ON rm_sites (primary_domain);

CREATE TABLE rm_environments (
  site_id            TEXT NOT NULL,
  name               TEXT NOT NULL,
  env_slug           TEXT NOT NULL,
  node_id            TEXT NOT NULL,
  domains            TEXT NOT NULL,
  php_version        TEXT NOT NULL,
  current_release_id TEXT,
  updated_at         TEXT NOT NULL,
  PRIMARY KEY (site_id, name)
) WITHOUT ROWID;
CREATE UNIQUE INDEX rm_environments_env_slug ON rm_environments (env_slug);

CREATE TABLE rm_jobs (
  id             TEXT PRIMARY KEY,
  kind           TEXT NOT NULL,
  state          TEXT NOT NULL,
  attempt        INTEGER NOT NULL,
  max_attempts   INTEGER NOT NULL,
  site_id        TEXT,
  node_id        TEXT,
  error          TEXT,
  correlation_id TEXT NOT NULL,
  actor          TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX rm_jobs_by_created ON rm_jobs (created_at, id);
CREATE INDEX rm_jobs_by_site ON rm_jobs (site_id, created_at);
CREATE INDEX rm_jobs_by_state ON rm_jobs (state, created_at);

CREATE TABLE rm_streams (
  stream_id       TEXT PRIMARY KEY,
  category        TEXT NOT NULL,
  version         INTEGER NOT NULL,
  last_type       TEXT NOT NULL,
  first_recorded_at TEXT NOT NULL,
  last_recorded_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX rm_streams_by_category ON rm_streams (category, last_recorded_at);
`;
