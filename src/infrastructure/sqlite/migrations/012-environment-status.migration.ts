// Migration 012 (issue 10 item 4): each environment's own status (provisioning, cloning, active,
// deleting, failed), the environment it was cloned from, and the drift baseline of that source taken
// at clone time (JSON, for a later promotion's drift check). Rows that exist already get the status
// their site's state implies; `pressluft projections rebuild` gives the exact one from the log.
export const sql = `
ALTER TABLE rm_environments ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE rm_environments ADD COLUMN cloned_from TEXT;
ALTER TABLE rm_environments ADD COLUMN clone_baseline TEXT;
UPDATE rm_environments SET status = 'provisioning' WHERE site_id IN (SELECT id FROM rm_sites WHERE state = 'PROVISIONING');
UPDATE rm_environments SET status = 'failed'
  WHERE current_release_id IS NULL AND site_id IN (SELECT id FROM rm_sites WHERE state = 'FAILED');
`;
