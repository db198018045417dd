// Migration 014 (issue 9 item 8): the reason and the time of an environment's last health change
// (EnvironmentHealthChanged), for the dashboard's "Sites needing attention". Rows that exist already
// get null; `pressluft projections rebuild` fills them from the log.
export const sql = `
ALTER TABLE rm_environments ADD COLUMN health_reason TEXT;
ALTER TABLE rm_environments ADD COLUMN health_changed_at TEXT;
`;
