import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { JOB_KINDS } from '../../application/jobs/job-kinds';
import { EnqueueJob } from '../../application/jobs/enqueue-job/enqueue-job.service';
import { healthCheckJobRequest } from '../../application/nodes/node-jobs/node-job-requests';
import { siteHealthCheckJobRequest } from '../../application/sites/site-jobs/site-job-requests';
import { JOB_HANDLERS, JobHandler } from '../../application/ports/job-queue.port';
import { SqlReader } from '../../application/ports/sql-reader.port';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../tokens';

/**
 * Every PRESSLUFT_HEALTH_CHECK_INTERVAL_MS (0 = off), one node.health-check job per node that is not
 * decommissioned, and one site.health-check per environment of every ACTIVE site (its outcome records
 * EnvironmentHealthChanged only when the status changes). The dedup key keeps at most one unfinished check per node, so a slow or unreachable
 * node never piles up checks. Runs only where the worker runs and has a health-check handler.
 */
@Injectable()
export class HealthCheckScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('health-check-scheduler');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
    private readonly enqueue: EnqueueJob,
    private readonly sql: SqlReader,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.settings.healthCheckIntervalMs;
    const kinds = [JOB_KINDS.nodeHealthCheck, JOB_KINDS.siteHealthCheck] as string[];
    if (!this.settings.workerEnabled || interval <= 0 || !this.handlers.some((h) => kinds.includes(h.kind))) return;
    this.timer = setInterval(() => this.tick(), interval);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Queues the checks of one round; returns the ids of the jobs created (existing unfinished ones are kept). */
  tick(): string[] {
    const created: string[] = [];
    const round = randomUUID();
    const has = (kind: string) => this.handlers.some((h) => h.kind === kind);
    let nodes: { id: string }[] = [];
    let environments: { site_id: string; name: string }[] = [];
    try {
      if (has(JOB_KINDS.nodeHealthCheck)) nodes = this.sql.all<{ id: string }>("SELECT id FROM rm_nodes WHERE status <> 'decommissioned' ORDER BY id");
      if (has(JOB_KINDS.siteHealthCheck)) {
        environments = this.sql.all<{ site_id: string; name: string }>(
          "SELECT e.site_id, e.name FROM rm_environments e JOIN rm_sites s ON s.id = e.site_id WHERE s.state = 'ACTIVE' ORDER BY e.site_id, e.name",
        );
      }
    } catch (err) {
      this.logger.error(`health-check round failed: ${err instanceof Error ? err.message : String(err)}`);
      return created;
    }
    const requests = [
      ...nodes.map(({ id }) => ({ what: `node ${id}`, key: id, request: healthCheckJobRequest(id) })),
      ...environments.map((e) => ({ what: `site ${e.site_id}/${e.name}`, key: `${e.site_id}/${e.name}`, request: siteHealthCheckJobRequest(e.site_id, e.name) })),
    ];
    for (const { what, key, request } of requests) {
      try {
        const job = this.enqueue.run(request, {
          actor: 'system:scheduler',
          commandId: `health-check/${key}/${round}`,
          correlationId: `health-check-${round}`,
        });
        if (job.created) created.push(job.id);
      } catch (err) {
        this.logger.error(`health check of ${what} not queued: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return created;
  }
}
