// Migration 002: detached remote runs (one row per launch) and their parsed Ansible events (prunable).
export const sql = `
CREATE TABLE remote_runs (
  run_id       TEXT PRIMARY KEY,
  job_id       TEXT,
  node_id      TEXT NOT NULL,
  playbook     TEXT NOT NULL,
  bundle_hash  TEXT NOT NULL,
  state        TEXT NOT NULL,            -- preparing | launched | succeeded | failed | cancelled | lost
  rc           INTEGER,
  event_offset INTEGER NOT NULL DEFAULT 0, -- bytes of events.jsonl already parsed
  event_seq    INTEGER NOT NULL DEFAULT 0, -- last run_events.seq stored
  stats        TEXT,                     -- JSON of playbook_on_stats
  created_at   INTEGER NOT NULL,
  launched_at  INTEGER,
  finished_at  INTEGER                   -- set once the control plane has recorded the outcome
);
CREATE INDEX remote_runs_by_job ON remote_runs (job_id);

CREATE TABLE run_events (
  run_id  TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  event   TEXT NOT NULL,
  task    TEXT,
  host    TEXT,
  changed INTEGER,
  data    TEXT NOT NULL,
  ts      TEXT,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
`;
