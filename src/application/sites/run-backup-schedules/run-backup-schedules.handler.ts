import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/common/domain-error';
import { siteDecider } from '../../../domain/site/site.decider';
import { MISSED_LISTED } from '../../../domain/site/site-backup-schedules';
import type { BackupRequestedData } from '../../../domain/site/site-backup.events';
import { siteStreamId } from '../../../domain/site/site.events';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { dueTimesBetween } from '../backup-schedules/cron-calendar';
import { RunBackupSchedulesCommand } from './run-backup-schedules.command';

/** The actor of every scheduled backup (and of its missed-time events). */
export const BACKUP_SCHEDULER_ACTOR = 'system:backup-scheduler';

export interface ScheduledBackupRequested {
  readonly siteId: string;
  readonly environment: string;
  readonly dueAt: string;
  readonly backupId: string;
  readonly missedCount: number;
  readonly jobIds: string[];
}

export interface ScheduledBackupPending {
  readonly siteId: string;
  readonly environment: string;
  readonly dueAt: string;
  /** The error code that refused it this round (SITE_BUSY, BACKUP_RUNNING, …): a later round tries again. */
  readonly code: string;
}

export interface RunBackupSchedulesResult {
  readonly requested: ScheduledBackupRequested[];
  readonly pending: ScheduledBackupPending[];
}

/** Refusals that pass: the due time stays pending and the next round catches it up. */
const WAIT_CODES = new Set(['SITE_BUSY', 'BACKUP_RUNNING', 'INVALID_STATE_TRANSITION', 'VERSION_CONFLICT']);

/**
 * For each schedule of an existing site, the due times since max(schedule set, last due time
 * requested) up to `now`: the newest is requested (one idempotency key per environment and due
 * time, and the decider refuses a due time at or before the last one, so two rounds or a restarted
 * control plane never request it twice); the earlier ones are recorded as BackupScheduleMissed.
 */
@CommandHandler(RunBackupSchedulesCommand)
export class RunBackupSchedulesHandler implements ICommandHandler<RunBackupSchedulesCommand, RunBackupSchedulesResult> {
  private readonly logger = new Logger('backup-scheduler');

  constructor(
    private readonly sql: SqlReader,
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
  ) {}

  async execute(c: RunBackupSchedulesCommand): Promise<RunBackupSchedulesResult> {
    const requested: ScheduledBackupRequested[] = [];
    const pending: ScheduledBackupPending[] = [];
    // The read model is written in the same transaction as the site's events (inline projection), so its
    // schedule rows say what is due without folding every stream each round; only a due schedule goes to
    // the decider, which folds the stream and guards against a second request of the same due time.
    const schedules = this.sql.all<{ site_id: string; environment: string; cron: string; time_zone: string; effective_from: string; last_due_at: string | null }>(
      "SELECT b.site_id, b.environment, b.cron, b.time_zone, b.effective_from, b.last_due_at FROM rm_backup_schedules b JOIN rm_sites s ON s.id = b.site_id WHERE s.state <> 'DELETED' ORDER BY b.site_id, b.environment",
    );
    for (const { site_id: siteId, environment, cron, time_zone: timeZone, effective_from: effectiveFrom, last_due_at: lastDueAt } of schedules) {
      const from = lastDueAt && lastDueAt > effectiveFrom ? lastDueAt : effectiveFrom;
      let due;
      try {
        due = dueTimesBetween(cron, timeZone, from, c.now, MISSED_LISTED + 1);
      } catch (err) {
        this.logger.error(`schedule of ${siteId}/${environment} unreadable: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      if (due.count === 0) continue;
      const dueAt = due.times[due.times.length - 1];
      const missed = due.times.slice(0, -1).slice(0, MISSED_LISTED);
      try {
        const result = this.decideAndAppend.run(
          siteStreamId(siteId),
          siteDecider,
          { type: 'RequestScheduledBackup', siteId, environment, backupId: this.ids.newId(), dueAt, missed, missedCount: due.count - 1 },
          { actor: BACKUP_SCHEDULER_ACTOR, commandId: `backup-schedule/${siteId}/${environment}/${dueAt}`, correlationId: `backup-schedule-${siteId}-${environment}-${dueAt}` },
        );
        const backup = result.events.find((e) => e.type === 'BackupRequested')?.data as BackupRequestedData | undefined;
        if (backup && !result.duplicate) {
          requested.push({ siteId, environment, dueAt, backupId: backup.backupId, missedCount: due.count - 1, jobIds: result.jobs.filter((j) => j.created).map((j) => j.id) });
        }
      } catch (err) {
        const code = err instanceof DomainError ? err.code : 'INTERNAL';
        if (!WAIT_CODES.has(code)) this.logger.error(`scheduled backup of ${siteId}/${environment} (${dueAt}) not requested: ${err instanceof Error ? err.message : String(err)}`);
        pending.push({ siteId, environment, dueAt, code });
      }
    }
    return { requested, pending };
  }
}
