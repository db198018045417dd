import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { JOB_KINDS } from '../../application/jobs/job-kinds';
import { Clock } from '../../application/ports/clock.port';
import { JOB_HANDLERS, JobHandler } from '../../application/ports/job-queue.port';
import { RunBackupSchedulesCommand } from '../../application/sites/run-backup-schedules/run-backup-schedules.command';
import type { RunBackupSchedulesResult } from '../../application/sites/run-backup-schedules/run-backup-schedules.handler';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../tokens';
import { PeriodicRound } from './periodic-round';

/**
 * Every PRESSLUFT_BACKUP_SCHEDULE_INTERVAL_MS (0 = off): one round of RunBackupSchedules at the
 * clock's now, which requests a backup for each environment whose schedule came due since the last
 * one it requested, as `system:backup-scheduler`. The scheduler keeps no state of its own: what was
 * requested is on the site streams, so a restart, a second round or a second process never requests
 * a due time twice (see RunBackupSchedulesHandler). Runs only where the worker runs and a
 * site.backup handler exists. `tick(now)` takes the time, so tests move the clock instead of waiting.
 */
@Injectable()
export class BackupScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('backup-scheduler');
  private readonly rounds = new PeriodicRound();

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.settings.backupScheduleIntervalMs;
    if (!this.settings.workerEnabled || interval <= 0 || !this.handlers.some((h) => h.kind === JOB_KINDS.siteBackup)) return;
    this.rounds.start(interval, () => this.tick());
  }

  beforeApplicationShutdown(): void {
    this.rounds.stop();
  }

  /** One round at `now` (ISO; the clock's by default). A round while one runs returns nothing. */
  async tick(now: string = this.clock.nowIso()): Promise<RunBackupSchedulesResult> {
    return this.rounds.exclusive({ requested: [], pending: [] }, async () => {
      try {
        const result = await this.commands.execute<RunBackupSchedulesCommand, RunBackupSchedulesResult>(new RunBackupSchedulesCommand(now));
        for (const r of result.requested) {
          this.logger.log(`scheduled backup ${r.backupId} of ${r.siteId}/${r.environment} for ${r.dueAt}${r.missedCount ? ` (${r.missedCount} missed)` : ''}`);
        }
        return result;
      } catch (err) {
        this.logger.error(`backup schedule round failed: ${err instanceof Error ? err.message : String(err)}`);
        return { requested: [], pending: [] };
      }
    });
  }
}
