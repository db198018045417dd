import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { JobLogStore } from '../job-queue/job-log-store';
import { SqliteRunStore } from '../remote-runner/sqlite-run-store';
import type { Database } from '../sqlite/database';
import { DATABASE, SETTINGS } from '../tokens';

const DAY_MS = 86_400_000;

/**
 * run_events (parsed Ansible task events) and job_log (worker log lines) are operational tables, not
 * the audit trail: every PRESSLUFT_PRUNE_INTERVAL_MS (and once at start) the rows of runs and jobs that
 * finished longer ago than their retention are deleted. Retention 0 keeps them forever. Runs where
 * `serve` runs (with the worker), not in one-off CLI commands.
 */
@Injectable()
export class PruneScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('prune-scheduler');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.workerEnabled || this.settings.pruneIntervalMs <= 0) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.settings.pruneIntervalMs);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One round; returns the rows deleted per table. */
  tick(now = Date.now()): { runEvents: number; jobLog: number } {
    const done = { runEvents: 0, jobLog: 0 };
    try {
      const { runEventsRetentionDays: runDays, jobLogRetentionDays: logDays } = this.settings;
      if (runDays > 0) done.runEvents = new SqliteRunStore(this.db).pruneEvents(now - runDays * DAY_MS);
      if (logDays > 0) done.jobLog = new JobLogStore(this.db).pruneFinishedBefore(now - logDays * DAY_MS);
      if (done.runEvents + done.jobLog > 0) this.logger.log(`pruned ${done.runEvents} run events and ${done.jobLog} job log lines`);
    } catch (err) {
      if (this.db.open) this.logger.error(`prune failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return done;
  }
}
