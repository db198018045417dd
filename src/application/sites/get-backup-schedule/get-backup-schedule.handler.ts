import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, NotFound } from '../../../domain/common/domain-error';
import { parseEnvironmentName } from '../../../domain/common/value-objects';
import { Clock } from '../../ports/clock.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { BackupScheduleRow, BackupScheduleView, toBackupScheduleView } from '../backup-schedules/backup-schedule.view';
import { nextDueTime } from '../backup-schedules/cron-calendar';
import { GetBackupScheduleQuery } from './get-backup-schedule.query';

/** The schedules of a site's environments with their next due time (shared with GetSite). */
export function backupSchedulesOf(sql: SqlReader, clock: Clock, siteId: string): Map<string, BackupScheduleView> {
  const now = clock.nowIso();
  const rows = sql.all<BackupScheduleRow>('SELECT * FROM rm_backup_schedules WHERE site_id = ? ORDER BY environment', [siteId]);
  return new Map(
    rows.map((row) => {
      const after = [now, row.effective_from, row.last_due_at ?? ''].sort().pop() as string;
      return [row.environment, toBackupScheduleView(row, nextDueTime(row.cron, row.time_zone, after))];
    }),
  );
}

@QueryHandler(GetBackupScheduleQuery)
export class GetBackupScheduleHandler implements IQueryHandler<GetBackupScheduleQuery, BackupScheduleView> {
  constructor(
    private readonly sql: SqlReader,
    private readonly clock: Clock,
  ) {}

  async execute(q: GetBackupScheduleQuery): Promise<BackupScheduleView> {
    const environment = parseEnvironmentName(q.environment);
    if (!this.sql.get('SELECT 1 FROM rm_environments WHERE site_id = ? AND name = ?', [q.siteId, environment])) {
      throw new NotFound('environment', `${q.siteId}/${environment}`);
    }
    const schedule = backupSchedulesOf(this.sql, this.clock, q.siteId).get(environment);
    if (!schedule) throw new DomainError('BACKUP_SCHEDULE_NOT_FOUND', `Environment ${environment} of site ${q.siteId} has no backup schedule`, { siteId: q.siteId, environment });
    return schedule;
  }
}
