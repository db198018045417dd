// Migration 004: the worker's per-job log lines (ctx.log of job handlers; operational and prunable, not events).
export const sql = `
CREATE TABLE job_log (
  job_id TEXT NOT NULL,
  seq    INTEGER NOT NULL,
  at     TEXT NOT NULL,
  text   TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
`;
