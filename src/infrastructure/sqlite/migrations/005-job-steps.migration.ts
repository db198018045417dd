// Migration 005: operation steps and runs of a job.
// - jobs.run: the run of the job (1 at enqueue, +1 per operator retry); attempts count within a run.
// - remote_runs.job_run + step: the remote run of one step of one job run, kept across attempts, and
//   its recorded result (rc, stats, custom outputs, failure), stored when the run ends.
export const sql = `
ALTER TABLE jobs ADD COLUMN run INTEGER NOT NULL DEFAULT 1;
ALTER TABLE remote_runs ADD COLUMN job_run INTEGER NOT NULL DEFAULT 1;
ALTER TABLE remote_runs ADD COLUMN step TEXT;
ALTER TABLE remote_runs ADD COLUMN result TEXT;
UPDATE remote_runs SET step = CASE WHEN playbook LIKE '%.yml' THEN substr(playbook, 1, length(playbook) - 4) ELSE playbook END;
CREATE INDEX remote_runs_by_step ON remote_runs (job_id, job_run, step, created_at);
`;
