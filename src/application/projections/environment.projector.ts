import type { SiteCreatedData, SiteDeletedData } from '../../domain/site/site.events';
import type { RecordedEvent } from '../ports/event-store.port';
import type { EnvironmentRow } from '../sites/site.view';
import type { RowProjection } from './row-projection';

type ReleaseData = { siteId: string; environment: string; releaseId: string | null };

/** rm_environments: one row per site environment (node, domains, PHP version, live release). */
export const environmentProjection: RowProjection<EnvironmentRow> = {
  name: 'environments',
  table: 'rm_environments',
  primaryKey: ['site_id', 'name'],
  columns: ['site_id', 'name', 'env_slug', 'node_id', 'domains', 'php_version', 'current_release_id', 'updated_at'],
  handles: (type) => type === 'SiteCreated' || type === 'SiteProvisioned' || type === 'DeploySucceeded' || type === 'SiteDeleted',
  keys: (event: RecordedEvent) => {
    if (event.type === 'SiteCreated') {
      const d = event.data as SiteCreatedData;
      return [[d.siteId, d.environment.name]];
    }
    if (event.type === 'SiteDeleted') {
      const d = event.data as SiteDeletedData;
      return d.environments.map((name) => [d.siteId, name]);
    }
    const d = event.data as ReleaseData;
    return [[d.siteId, d.environment]];
  },
  evolve: (row, event) => {
    if (event.type === 'SiteCreated') {
      const { siteId, environment: env } = event.data as SiteCreatedData;
      return {
        site_id: siteId,
        name: env.name,
        env_slug: env.envSlug,
        node_id: env.nodeId,
        domains: JSON.stringify(env.domains),
        php_version: env.phpVersion,
        current_release_id: null,
        updated_at: event.recordedAt,
      };
    }
    if (event.type === 'SiteDeleted' || !row) return null;
    const { releaseId } = event.data as ReleaseData;
    return { ...row, current_release_id: releaseId ?? row.current_release_id, updated_at: event.recordedAt };
  },
};
