// Migration 011 (issue 10): backup schedules per environment, with what the scheduler last did (read model of the site streams).
export const sql = `
CREATE TABLE rm_backup_schedules (
  site_id            TEXT NOT NULL,
  environment        TEXT NOT NULL,
  -- 5-field cron expression, read in time_zone (IANA)
  cron               TEXT NOT NULL,
  time_zone          TEXT NOT NULL,
  -- db | files | full
  scope              TEXT NOT NULL,
  -- JSON {keepLast, keepDaily, keepWeekly, keepMonthly}
  retention          TEXT NOT NULL,
  effective_from     TEXT NOT NULL,
  set_by             TEXT NOT NULL,
  -- the newest due time a backup was requested for, and that backup
  last_due_at        TEXT,
  last_backup_id     TEXT,
  -- the last BackupScheduleMissed: how many, which (JSON array, the first ones), when recorded
  last_missed_count  INTEGER,
  last_missed        TEXT,
  last_missed_at     TEXT,
  updated_at         TEXT NOT NULL,
  PRIMARY KEY (site_id, environment)
);
`;
