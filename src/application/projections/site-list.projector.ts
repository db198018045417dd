import { nextState, SiteLifecycleState, SiteTransition } from '../../domain/site/site-lifecycle.state-machine';
import type { DeployFailedData, SiteCreatedData, SiteEvent, SiteRetryRequestedData } from '../../domain/site/site.events';
import type { RecordedEvent } from '../ports/event-store.port';
import type { SiteRow } from '../sites/site.view';
import type { RowProjection } from './row-projection';

/** The lifecycle transition each site event stands for (SiteCreated starts the machine). */
const TRANSITION_OF: Record<Exclude<SiteEvent['type'], 'SiteCreated'>, SiteTransition | ((data: object) => SiteTransition)> = {
  SiteProvisioned: 'provision.succeeded',
  SiteProvisioningFailed: 'provision.failed',
  DeployRequested: 'deploy.requested',
  DeploySucceeded: 'deploy.succeeded',
  DeployFailed: (data) => ((data as DeployFailedData).rolledBack ? 'deploy.rolled-back' : 'deploy.failed'),
  SiteResetRequested: 'reset.requested',
  SiteResetSucceeded: 'reset.succeeded',
  SiteResetFailed: 'reset.failed',
  SiteRetryRequested: 'retry.requested',
  SiteDeletionRequested: 'delete.requested',
  SiteDeleted: 'delete.succeeded',
  SiteDeletionFailed: 'delete.failed',
};

/** The state after a site event, by the same lifecycle table the decider uses. */
export function siteStateAfter(from: string, event: RecordedEvent): SiteLifecycleState {
  const entry = TRANSITION_OF[event.type as keyof typeof TRANSITION_OF];
  const transition = typeof entry === 'function' ? entry(event.data) : entry;
  const retryOf = event.type === 'SiteRetryRequested' ? (event.data as SiteRetryRequestedData).operation : undefined;
  return nextState(from as SiteLifecycleState, transition, retryOf);
}

/** rm_sites: the site list (search, state filter) and the header of the site detail. */
export const siteListProjection: RowProjection<SiteRow> = {
  name: 'site-list',
  table: 'rm_sites',
  primaryKey: ['id'],
  columns: ['id', 'name', 'slug', 'state', 'node_id', 'primary_domain', 'version', 'last_error', 'created_at', 'updated_at'],
  handles: (type) => type === 'SiteCreated' || type in TRANSITION_OF,
  keys: (event) => [[(event.data as { siteId: string }).siteId]],
  evolve: (row, event) => {
    if (event.type === 'SiteCreated') {
      const d = event.data as SiteCreatedData;
      return {
        id: d.siteId,
        name: d.name,
        slug: d.slug,
        state: 'PROVISIONING',
        node_id: d.nodeId,
        primary_domain: d.primaryDomain,
        version: event.streamVersion,
        last_error: null,
        created_at: event.recordedAt,
        updated_at: event.recordedAt,
      };
    }
    if (!row) return null;
    const state = siteStateAfter(row.state, event);
    const error = (event.data as { error?: object }).error;
    return {
      ...row,
      state,
      // The last error stays visible while the site is FAILED and clears once it is ACTIVE again.
      last_error: error ? JSON.stringify(error) : state === 'ACTIVE' ? null : row.last_error,
      version: event.streamVersion,
      updated_at: event.recordedAt,
    };
  },
};
