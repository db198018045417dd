import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { JOB_KINDS } from '../../application/jobs/job-kinds';
import { RunBackupRepositoryChecksCommand } from '../../application/nodes/run-backup-repository-checks/run-backup-repository-checks.command';
import type { RunBackupRepositoryChecksResult } from '../../application/nodes/run-backup-repository-checks/run-backup-repository-checks.handler';
import { Clock } from '../../application/ports/clock.port';
import { JOB_HANDLERS, JobHandler } from '../../application/ports/job-queue.port';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../tokens';
import { PeriodicRound } from './periodic-round';

/**
 * Scheduled `restic check` (docs/backups.md, "restic"): every round of the backup scheduler
 * (PRESSLUFT_BACKUP_SCHEDULE_INTERVAL_MS), RunBackupRepositoryChecks asks for a check of each node's
 * repository whose last check is PRESSLUFT_RESTIC_CHECK_INTERVAL_MS old (0 = none), as
 * `system:restic-check-scheduler`. No state of its own: the node streams say what is pending. Runs
 * only where the worker runs and the check's handler exists; `tick(now)` lets tests move the clock.
 */
@Injectable()
export class ResticCheckScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('restic-check-scheduler');
  private readonly rounds = new PeriodicRound();

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const round = this.settings.backupScheduleIntervalMs;
    if (!this.settings.workerEnabled || round <= 0 || this.settings.resticCheckIntervalMs <= 0) return;
    if (!this.handlers.some((h) => h.kind === JOB_KINDS.nodeBackupRepositoryCheck)) return;
    this.rounds.start(round, () => this.tick());
  }

  beforeApplicationShutdown(): void {
    this.rounds.stop();
  }

  async tick(now: string = this.clock.nowIso()): Promise<RunBackupRepositoryChecksResult> {
    return this.rounds.exclusive({ requested: [] }, async () => {
      try {
        const result = await this.commands.execute<RunBackupRepositoryChecksCommand, RunBackupRepositoryChecksResult>(
          new RunBackupRepositoryChecksCommand(now, this.settings.resticCheckIntervalMs),
        );
        for (const nodeId of result.requested) this.logger.log(`restic check of node ${nodeId}'s repository requested`);
        return result;
      } catch (err) {
        this.logger.error(`restic check round failed: ${err instanceof Error ? err.message : String(err)}`);
        return { requested: [] };
      }
    });
  }
}
