import { NO_RELEASES, ReleaseSet, releaseMarkedBad, releaseSwitchedTo } from '../../domain/site/site-releases';
import type {
  DeployFailedData,
  DomainsChangedData,
  EnvironmentHealthChangedData,
  SiteCreatedData,
  SiteDeletedData,
} from '../../domain/site/site.events';
import type { RecordedEvent } from '../ports/event-store.port';
import type { EnvironmentRow } from '../sites/site.view';
import type { RowProjection } from './row-projection';

type EnvironmentEventData = { siteId: string; environment: string; releaseId?: string | null };

const HANDLED = new Set([
  'SiteCreated',
  'SiteProvisioned',
  'DeploySucceeded',
  'DeployFailed',
  'RollbackSucceeded',
  'DomainsChanged',
  'EnvironmentHealthChanged',
  'SiteDeleted',
]);

function releasesOf(row: EnvironmentRow): ReleaseSet {
  return {
    currentReleaseId: row.current_release_id,
    previousReleaseId: row.previous_release_id,
    releases: JSON.parse(row.releases) as string[],
    badReleaseIds: JSON.parse(row.bad_release_ids) as string[],
  };
}

function withReleases(row: EnvironmentRow, set: ReleaseSet, at: string): EnvironmentRow {
  return {
    ...row,
    current_release_id: set.currentReleaseId,
    previous_release_id: set.previousReleaseId,
    releases: JSON.stringify(set.releases),
    bad_release_ids: JSON.stringify(set.badReleaseIds),
    updated_at: at,
  };
}

/** rm_environments: one row per site environment (node, domains, PHP version, releases, health). */
export const environmentProjection: RowProjection<EnvironmentRow> = {
  name: 'environments',
  table: 'rm_environments',
  primaryKey: ['site_id', 'name'],
  columns: [
    'site_id',
    'name',
    'env_slug',
    'node_id',
    'domains',
    'php_version',
    'current_release_id',
    'updated_at',
    'previous_release_id',
    'releases',
    'bad_release_ids',
    'health',
  ],
  handles: (type) => HANDLED.has(type),
  keys: (event: RecordedEvent) => {
    if (event.type === 'SiteCreated') {
      const d = event.data as SiteCreatedData;
      return [[d.siteId, d.environment.name]];
    }
    if (event.type === 'SiteDeleted') {
      const d = event.data as SiteDeletedData;
      return d.environments.map((name) => [d.siteId, name]);
    }
    const d = event.data as EnvironmentEventData;
    return [[d.siteId, d.environment]];
  },
  evolve: (row, event) => {
    if (event.type === 'SiteCreated') {
      const { siteId, environment: env } = event.data as SiteCreatedData;
      return withReleases(
        {
          site_id: siteId,
          name: env.name,
          env_slug: env.envSlug,
          node_id: env.nodeId,
          domains: JSON.stringify(env.domains),
          php_version: env.phpVersion,
          current_release_id: null,
          updated_at: event.recordedAt,
          previous_release_id: null,
          releases: '[]',
          bad_release_ids: '[]',
          health: 'unknown',
        },
        NO_RELEASES,
        event.recordedAt,
      );
    }
    if (event.type === 'SiteDeleted' || !row) return null;
    const at = event.recordedAt;
    switch (event.type) {
      case 'DeployFailed': {
        const d = event.data as DeployFailedData;
        return d.rolledBack ? withReleases(row, releaseMarkedBad(releasesOf(row), d.releaseId), at) : row;
      }
      case 'DomainsChanged': {
        const d = event.data as DomainsChangedData;
        return { ...row, domains: JSON.stringify([d.primary, ...d.aliases]), updated_at: at };
      }
      case 'EnvironmentHealthChanged':
        return { ...row, health: (event.data as EnvironmentHealthChangedData).status, updated_at: at };
      default:
        return withReleases(row, releaseSwitchedTo(releasesOf(row), (event.data as EnvironmentEventData).releaseId ?? null), at);
    }
  },
};
