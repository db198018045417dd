import type { DriftBaseline } from '../../domain/site/site-environment.events';
import type { BackupScheduleView } from './backup-schedules/backup-schedule.view';

/** What the API and pages show of a site. */
export interface EnvironmentView {
  name: string;
  envSlug: string;
  nodeId: string;
  domains: string[];
  phpVersion: string;
  currentReleaseId: string | null;
  previousReleaseId: string | null;
  /** Kept on the node, newest first. */
  releases: ReleaseView[];
  /** healthy | unhealthy | unknown (from the periodic health checks). */
  health: string;
  /** provisioning | cloning | active | deleting | failed: where the environment is in its own life. */
  status: string;
  /** The environment it was cloned from, or null. */
  clonedFrom: string | null;
  /** What the source held when this environment was cloned from it (docs/operations.md, "Staging clones"), or null. */
  cloneBaseline: DriftBaseline | null;
  /** Its backup schedule, or null (docs/backups.md, "Schedules and retention"). */
  backupSchedule?: BackupScheduleView | null;
}

export interface ReleaseView {
  id: string;
  current: boolean;
  previous: boolean;
  /** Its deploy was rolled back; a rollback to it needs force. */
  bad: boolean;
}

export interface SiteSummaryView {
  id: string;
  name: string;
  slug: string;
  state: string;
  version: number;
  nodeId: string;
  primaryDomain: string;
  lastError: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface SiteView extends SiteSummaryView {
  environments: EnvironmentView[];
}

export type SiteRow = {
  id: string;
  name: string;
  slug: string;
  state: string;
  node_id: string;
  primary_domain: string;
  version: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
};

export type EnvironmentRow = {
  site_id: string;
  name: string;
  env_slug: string;
  node_id: string;
  domains: string;
  php_version: string;
  current_release_id: string | null;
  updated_at: string;
  previous_release_id: string | null;
  releases: string;
  bad_release_ids: string;
  health: string;
  status: string;
  cloned_from: string | null;
  clone_baseline: string | null;
  /** The reason and time of the last EnvironmentHealthChanged (null before the first). */
  health_reason: string | null;
  health_changed_at: string | null;
};

export function toSiteSummary(row: SiteRow): SiteSummaryView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    state: row.state,
    version: row.version,
    nodeId: row.node_id,
    primaryDomain: row.primary_domain,
    lastError: row.last_error ? JSON.parse(row.last_error) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toEnvironmentView(row: EnvironmentRow): EnvironmentView {
  const bad = JSON.parse(row.bad_release_ids) as string[];
  return {
    name: row.name,
    envSlug: row.env_slug,
    nodeId: row.node_id,
    domains: JSON.parse(row.domains) as string[],
    phpVersion: row.php_version,
    currentReleaseId: row.current_release_id,
    previousReleaseId: row.previous_release_id,
    releases: (JSON.parse(row.releases) as string[])
      .map((id) => ({ id, current: id === row.current_release_id, previous: id === row.previous_release_id, bad: bad.includes(id) }))
      .reverse(),
    health: row.health,
    status: row.status,
    clonedFrom: row.cloned_from,
    cloneBaseline: row.clone_baseline ? (JSON.parse(row.clone_baseline) as DriftBaseline) : null,
  };
}

/** The baseline as stored in rm_environments: fields named one by one (stored event data comes back key-sorted). */
export function driftBaselineJson(b: DriftBaseline): string {
  return JSON.stringify({
    takenAt: b.takenAt,
    database: b.database,
    tables: b.tables.map((t) => ({ name: t.name, rows: t.rows, checksum: t.checksum })),
    uploads: { files: b.uploads.files, bytes: b.uploads.bytes, sha256: b.uploads.sha256 },
  });
}
