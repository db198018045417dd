import type { RetentionPolicy } from '../../../domain/site/backup-schedule';

/** An environment's backup schedule as the API, CLI and pages show it. */
export interface BackupScheduleView {
  siteId: string;
  environment: string;
  cron: string;
  timeZone: string;
  scope: string;
  retention: RetentionPolicy;
  /** Due times after this instant count. */
  effectiveFrom: string;
  setBy: string;
  /** The next due time after now (or after the last one requested, when that is later). */
  nextDueAt: string | null;
  lastDueAt: string | null;
  lastBackupId: string | null;
  lastMissed: { count: number; times: string[]; at: string } | null;
  updatedAt: string;
}

export type BackupScheduleRow = {
  site_id: string;
  environment: string;
  cron: string;
  time_zone: string;
  scope: string;
  retention: string;
  effective_from: string;
  set_by: string;
  last_due_at: string | null;
  last_backup_id: string | null;
  last_missed_count: number | null;
  last_missed: string | null;
  last_missed_at: string | null;
  updated_at: string;
};

export function toBackupScheduleView(row: BackupScheduleRow, nextDueAt: string | null): BackupScheduleView {
  return {
    siteId: row.site_id,
    environment: row.environment,
    cron: row.cron,
    timeZone: row.time_zone,
    scope: row.scope,
    retention: JSON.parse(row.retention) as RetentionPolicy,
    effectiveFrom: row.effective_from,
    setBy: row.set_by,
    nextDueAt,
    lastDueAt: row.last_due_at,
    lastBackupId: row.last_backup_id,
    lastMissed:
      row.last_missed_at && row.last_missed_count !== null
        ? { count: row.last_missed_count, times: JSON.parse(row.last_missed ?? '[]') as string[], at: row.last_missed_at }
        : null,
    updatedAt: row.updated_at,
  };
}
