import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { JobRow, JobView } from '../jobs/job.view';
import { toJobView } from '../jobs/job.view';
import { CertificateRow, CertificateView, toCertificateView } from '../certificates/certificate.view';
import { Clock } from '../ports/clock.port';
import { EventStore, RecordedEvent } from '../ports/event-store.port';
import { SqlReader } from '../ports/sql-reader.port';
import { GetDashboardQuery } from './get-dashboard.query';

export interface StateCount {
  state: string;
  count: number;
}

export interface DashboardView {
  nodes: { total: number; byState: StateCount[] };
  sites: { total: number; byState: StateCount[] };
  runningCount: number;
  failedCount: number;
  running: JobView[];
  failed: JobView[];
  recentEvents: RecordedEvent[];
  certificates: DashboardCertificates;
  backupSchedules: DashboardBackupSchedules;
  siteHealth: DashboardSiteHealth;
}

/** The periodic health checks of site environments (rm_environments.health, from EnvironmentHealthChanged). */
export interface DashboardSiteHealth {
  /** Environments by their latest recorded status; unchecked = no check recorded yet. */
  counts: { healthy: number; unhealthy: number; unchecked: number };
  /** Environments whose latest check failed, most recently turned unhealthy first. */
  unhealthy: { siteId: string; siteName: string; environment: string; reason: string | null; since: string | null }[];
}

/** A reason longer than this is cut for the dashboard (the event holds all of it). */
const HEALTH_REASON_CHARS = 160;

/** What went wrong with scheduled backups in the last BACKUP_PROBLEM_DAYS days, newest first. */
export interface DashboardBackupSchedules {
  /** Environments whose schedule recorded missed due times (BackupScheduleMissed). */
  missed: { siteId: string; siteName: string; environment: string; count: number; times: string[]; at: string }[];
  /** Scheduled backups whose job failed (BackupFailed with purpose scheduled). */
  failed: { siteId: string; siteName: string; environment: string; backupId: string; error: { code: string; message: string } | null; at: string }[];
  /** Nodes whose restic repository failed its last check (BackupRepositoryCheckFailed), however long ago: it stays failed until a check passes. */
  repositoryChecks: { nodeId: string; nodeName: string; url: string; error: { code: string; message: string } | null; at: string }[];
}

const BACKUP_PROBLEM_DAYS = 7;

/** A certificate with what is wrong with it: its last request failed, its renewal is overdue, or it expired. */
export interface CertificateWarning extends CertificateView {
  siteName: string;
  problem: 'failed' | 'renewal overdue' | 'expired' | null;
}

export interface DashboardCertificates {
  /** Certificates that need a look (failed, renewal overdue, expired), soonest expiry first. */
  warnings: CertificateWarning[];
  /** The installed certificates that expire first. */
  soonest: CertificateWarning[];
}

/** Nodes and sites at a glance, running and failed jobs, the newest events: all from read models and indexes. */
@QueryHandler(GetDashboardQuery)
export class GetDashboardHandler implements IQueryHandler<GetDashboardQuery, DashboardView> {
  constructor(
    private readonly sql: SqlReader,
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(q: GetDashboardQuery): Promise<DashboardView> {
    const counts = (sql: string) => this.sql.all<StateCount>(sql);
    const nodes = counts('SELECT status AS state, COUNT(*) AS count FROM rm_nodes GROUP BY status ORDER BY status');
    const sites = counts('SELECT state, COUNT(*) AS count FROM rm_sites GROUP BY state ORDER BY state');
    const jobs = (state: string) =>
      this.sql.all<JobRow>('SELECT * FROM rm_jobs WHERE state = ? ORDER BY created_at DESC, id DESC LIMIT ?', [state, q.jobs]).map(toJobView);
    const jobCount = (state: string) => (this.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM rm_jobs WHERE state = ?', [state])?.n ?? 0);
    // Positions are dense (1..count), so the newest N start after count - N.
    const total = this.store.count();
    const recentEvents = this.store.query({ after: Math.max(0, total - q.recentEvents), limit: q.recentEvents }).reverse();
    return {
      nodes: { total: nodes.reduce((n, c) => n + c.count, 0), byState: nodes },
      sites: { total: sites.reduce((n, c) => n + c.count, 0), byState: sites },
      runningCount: jobCount('running'),
      failedCount: jobCount('failed'),
      running: jobs('running'),
      failed: jobs('failed'),
      recentEvents,
      certificates: this.certificates(q.jobs),
      backupSchedules: this.backupSchedules(q.jobs),
      siteHealth: this.siteHealth(q.jobs),
    };
  }

  private siteHealth(limit: number): DashboardSiteHealth {
    const byHealth = this.sql.all<{ health: string; count: number }>('SELECT health, COUNT(*) AS count FROM rm_environments GROUP BY health');
    const count = (health: string) => byHealth.find((r) => r.health === health)?.count ?? 0;
    const unhealthy = this.sql
      .all<{ site_id: string; site_name: string; environment: string; health_reason: string | null; health_changed_at: string | null }>(
        `SELECT e.site_id, s.name AS site_name, e.name AS environment, e.health_reason, e.health_changed_at FROM rm_environments e JOIN rm_sites s ON s.id = e.site_id
         WHERE e.health = 'unhealthy' ORDER BY e.health_changed_at DESC, s.name, e.name LIMIT @limit`,
        { limit },
      )
      .map((r) => ({
        siteId: r.site_id,
        siteName: r.site_name,
        environment: r.environment,
        reason: r.health_reason && r.health_reason.length > HEALTH_REASON_CHARS ? `${r.health_reason.slice(0, HEALTH_REASON_CHARS - 1)}…` : r.health_reason,
        since: r.health_changed_at,
      }));
    const healthy = count('healthy');
    const unhealthyCount = count('unhealthy');
    const all = byHealth.reduce((n, r) => n + r.count, 0);
    return { counts: { healthy, unhealthy: unhealthyCount, unchecked: all - healthy - unhealthyCount }, unhealthy };
  }

  private backupSchedules(limit: number): DashboardBackupSchedules {
    const since = new Date(this.clock.nowMs() - BACKUP_PROBLEM_DAYS * 86_400_000).toISOString();
    const missed = this.sql
      .all<{ site_id: string; site_name: string; environment: string; last_missed_count: number; last_missed: string; last_missed_at: string }>(
        `SELECT b.site_id, s.name AS site_name, b.environment, b.last_missed_count, b.last_missed, b.last_missed_at FROM rm_backup_schedules b JOIN rm_sites s ON s.id = b.site_id
         WHERE b.last_missed_at >= @since ORDER BY b.last_missed_at DESC LIMIT @limit`,
        { since, limit },
      )
      .map((r) => ({ siteId: r.site_id, siteName: r.site_name, environment: r.environment, count: r.last_missed_count, times: JSON.parse(r.last_missed) as string[], at: r.last_missed_at }));
    const failed = this.sql
      .all<{ site_id: string; site_name: string; environment: string; backup_id: string; error: string | null; created_at: string; completed_at: string }>(
        `SELECT b.site_id, s.name AS site_name, b.environment, b.backup_id, b.error, b.created_at, b.completed_at FROM rm_backups b JOIN rm_sites s ON s.id = b.site_id
         WHERE b.purpose = 'scheduled' AND b.state = 'failed' AND b.completed_at >= @since ORDER BY b.completed_at DESC LIMIT @limit`,
        { since, limit },
      )
      .map((r) => ({
        siteId: r.site_id,
        siteName: r.site_name,
        environment: r.environment,
        backupId: r.backup_id,
        error: r.error ? (JSON.parse(r.error) as { code: string; message: string }) : null,
        at: r.completed_at,
      }));
    const repositoryChecks = this.sql
      .all<{ node_id: string; node_name: string; url: string; last_error: string | null; last_checked_at: string }>(
        `SELECT r.node_id, n.name AS node_name, r.url, r.last_error, r.last_checked_at FROM rm_backup_repositories r JOIN rm_nodes n ON n.id = r.node_id
         WHERE r.status = 'failed' ORDER BY r.last_checked_at DESC LIMIT @limit`,
        { limit },
      )
      .map((r) => ({
        nodeId: r.node_id,
        nodeName: r.node_name,
        url: r.url,
        error: r.last_error ? (JSON.parse(r.last_error) as { code: string; message: string }) : null,
        at: r.last_checked_at,
      }));
    return { missed, failed, repositoryChecks };
  }

  private certificates(limit: number): DashboardCertificates {
    const now = this.clock.nowIso();
    const rows = (where: string) =>
      this.sql
        .all<CertificateRow & { site_name: string }>(
          `SELECT c.*, s.name AS site_name FROM rm_certificates c JOIN rm_sites s ON s.id = c.site_id WHERE ${where} ORDER BY c.not_after IS NULL, c.not_after, c.site_id LIMIT @limit`,
          { now, limit },
        )
        .map((row) => {
          const view = toCertificateView(row);
          const problem =
            view.certificate && view.certificate.notAfter <= now ? 'expired' : row.status === 'failed' ? 'failed' : view.certificate && view.certificate.renewAt <= now ? 'renewal overdue' : null;
          return { ...view, siteName: row.site_name, problem } satisfies CertificateWarning;
        });
    return {
      warnings: rows("c.status = 'failed' OR (c.renew_at IS NOT NULL AND c.renew_at <= @now)"),
      soonest: rows('c.not_after IS NOT NULL'),
    };
  }
}
