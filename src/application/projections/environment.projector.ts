import { NO_RELEASES, ReleaseSet, releaseMarkedBad, releaseSwitchedTo } from '../../domain/site/site-releases';
import type {
  DeployFailedData,
  DomainsChangedData,
  EnvironmentHealthChangedData,
  SiteCreatedData,
  SiteDeletedData,
  SiteRetryRequestedData,
} from '../../domain/site/site.events';
import type { EnvironmentClonedData, EnvironmentCloneRequestedData } from '../../domain/site/site-environment.events';
import type { CloneBaselineAdvancedData, PromotionCompletedData } from '../../domain/site/site-promotion.events';
import { PRODUCTION_ENVIRONMENT } from '../../domain/site/site.events';
import type { RecordedEvent } from '../ports/event-store.port';
import { driftBaselineJson, EnvironmentRow } from '../sites/site.view';
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
  'SiteProvisioningFailed',
  'SiteRetryRequested',
  'EnvironmentCloneRequested',
  'EnvironmentCloned',
  'EnvironmentCloneFailed',
  'EnvironmentDeletionRequested',
  'EnvironmentDeleted',
  'EnvironmentDeletionFailed',
  'PromotionCompleted',
  'CloneBaselineAdvanced',
]);

/** The status a retry of an operation gives the environment it works on (none for the others). */
const RETRY_STATUS: Record<string, string> = { provision: 'provisioning', clone: 'cloning', 'environment-delete': 'deleting' };

function retriedEnvironment(d: SiteRetryRequestedData): string | null {
  if (!RETRY_STATUS[d.operation]) return null;
  return d.environment ?? (d.operation === 'provision' ? PRODUCTION_ENVIRONMENT : null);
}

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
    'status',
    'cloned_from',
    'clone_baseline',
    'health_reason',
    'health_changed_at',
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
    if (event.type === 'SiteProvisioningFailed') return [[(event.data as { siteId: string }).siteId, PRODUCTION_ENVIRONMENT]];
    if (event.type === 'SiteRetryRequested') {
      const d = event.data as SiteRetryRequestedData;
      const environment = retriedEnvironment(d);
      return environment ? [[d.siteId, environment]] : [];
    }
    if (event.type === 'PromotionCompleted') {
      // the target gets the release, the promoted clone the new baseline
      const d = event.data as PromotionCompletedData;
      return [[d.siteId, d.target], ...(d.baseline ? [[d.siteId, d.environment]] : [])];
    }
    const d = event.data as EnvironmentEventData;
    return [[d.siteId, d.environment]];
  },
  evolve: (row, event, key) => {
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
          status: 'provisioning',
          cloned_from: null,
          clone_baseline: null,
          health_reason: null,
          health_changed_at: null,
        },
        NO_RELEASES,
        event.recordedAt,
      );
    }
    if (event.type === 'EnvironmentCloneRequested') {
      const d = event.data as EnvironmentCloneRequestedData;
      return {
        site_id: d.siteId,
        name: d.environment,
        env_slug: d.envSlug,
        node_id: d.nodeId,
        domains: JSON.stringify(d.domains),
        php_version: d.phpVersion,
        current_release_id: null,
        updated_at: event.recordedAt,
        previous_release_id: null,
        releases: '[]',
        bad_release_ids: '[]',
        health: 'unknown',
        status: 'cloning',
        cloned_from: d.sourceEnvironment,
        clone_baseline: null,
        health_reason: null,
        health_changed_at: null,
      };
    }
    if (event.type === 'SiteDeleted' || event.type === 'EnvironmentDeleted' || !row) return null;
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
      case 'EnvironmentHealthChanged': {
        const d = event.data as EnvironmentHealthChangedData;
        return { ...row, health: d.status, health_reason: d.reason, health_changed_at: at, updated_at: at };
      }
      case 'SiteRetryRequested':
        return { ...row, status: RETRY_STATUS[(event.data as SiteRetryRequestedData).operation] ?? row.status, updated_at: at };
      case 'EnvironmentDeletionRequested':
        return { ...row, status: 'deleting', updated_at: at };
      case 'SiteProvisioningFailed':
      case 'EnvironmentCloneFailed':
      case 'EnvironmentDeletionFailed':
        return { ...row, status: 'failed', updated_at: at };
      case 'EnvironmentCloned': {
        const d = event.data as EnvironmentClonedData;
        return { ...withReleases(row, releaseSwitchedTo(releasesOf(row), d.releaseId), at), status: 'active', clone_baseline: driftBaselineJson(d.baseline) };
      }
      case 'PromotionCompleted': {
        const d = event.data as PromotionCompletedData;
        if (key[1] === d.target) return withReleases(row, releaseSwitchedTo(releasesOf(row), d.releaseId), at);
        return d.baseline ? { ...row, clone_baseline: driftBaselineJson(d.baseline), updated_at: at } : row;
      }
      case 'CloneBaselineAdvanced':
        return { ...row, clone_baseline: driftBaselineJson((event.data as CloneBaselineAdvancedData).baseline), updated_at: at };
      case 'SiteProvisioned':
        return { ...withReleases(row, releaseSwitchedTo(releasesOf(row), (event.data as EnvironmentEventData).releaseId ?? null), at), status: 'active' };
      default:
        return withReleases(row, releaseSwitchedTo(releasesOf(row), (event.data as EnvironmentEventData).releaseId ?? null), at);
    }
  },
};
