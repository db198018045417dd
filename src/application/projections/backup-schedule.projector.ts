import type { BackupScheduleMissedData, BackupScheduleSetData } from '../../domain/site/site-backup-schedule.events';
import type { BackupRequestedData } from '../../domain/site/site-backup.events';
import type { SiteDeletedData } from '../../domain/site/site.events';
import type { RecordedEvent } from '../ports/event-store.port';
import type { BackupScheduleRow } from '../sites/backup-schedules/backup-schedule.view';
import type { RowProjection } from './row-projection';

const HANDLED = new Set(['BackupScheduleSet', 'BackupScheduleRemoved', 'BackupScheduleMissed', 'BackupRequested', 'SiteDeleted', 'EnvironmentDeleted']);

/** rm_backup_schedules: one row per scheduled environment, with the last due time requested and the last missed times. */
export const backupScheduleProjection: RowProjection<BackupScheduleRow> = {
  name: 'backup-schedules',
  table: 'rm_backup_schedules',
  primaryKey: ['site_id', 'environment'],
  columns: [
    'site_id',
    'environment',
    'cron',
    'time_zone',
    'scope',
    'retention',
    'effective_from',
    'set_by',
    'last_due_at',
    'last_backup_id',
    'last_missed_count',
    'last_missed',
    'last_missed_at',
    'updated_at',
  ],
  handles: (type) => HANDLED.has(type),
  keys: (event: RecordedEvent) => {
    if (event.type === 'SiteDeleted') {
      const d = event.data as SiteDeletedData;
      return d.environments.map((env) => [d.siteId, env]);
    }
    const d = event.data as { siteId: string; environment: string };
    return [[d.siteId, d.environment]];
  },
  evolve: (row, event) => {
    const at = event.recordedAt;
    switch (event.type) {
      case 'BackupScheduleSet': {
        const d = event.data as BackupScheduleSetData;
        const r = d.retention;
        return {
          site_id: d.siteId,
          environment: d.environment,
          cron: d.cron,
          time_zone: d.timeZone,
          scope: d.scope,
          // Fields named one by one: stored event data comes back key-sorted, so a rebuild must not depend on key order.
          retention: JSON.stringify({ keepLast: r.keepLast, keepDaily: r.keepDaily, keepWeekly: r.keepWeekly, keepMonthly: r.keepMonthly }),
          effective_from: d.effectiveFrom,
          set_by: event.metadata.actor,
          last_due_at: row?.last_due_at ?? null,
          last_backup_id: row?.last_backup_id ?? null,
          last_missed_count: row?.last_missed_count ?? null,
          last_missed: row?.last_missed ?? null,
          last_missed_at: row?.last_missed_at ?? null,
          updated_at: at,
        };
      }
      case 'BackupScheduleMissed': {
        if (!row) return null;
        const d = event.data as BackupScheduleMissedData;
        return { ...row, last_missed_count: d.missedCount, last_missed: JSON.stringify([...d.missed]), last_missed_at: at, updated_at: at };
      }
      case 'BackupRequested': {
        const d = event.data as BackupRequestedData;
        if (!row || d.purpose !== 'scheduled') return row ?? null;
        return { ...row, last_due_at: d.scheduledFor ?? row.last_due_at, last_backup_id: d.backupId, updated_at: at };
      }
      default:
        // BackupScheduleRemoved, SiteDeleted, EnvironmentDeleted
        return null;
    }
  },
};
