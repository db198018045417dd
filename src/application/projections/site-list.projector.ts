import { transitionOfSiteEvent } from '../../domain/site/site-event-transitions';
import { nextState, SiteLifecycleState } from '../../domain/site/site-lifecycle.state-machine';
import { SITE_EVENT_TYPES, type SiteCreatedData, type SiteEvent } from '../../domain/site/site.events';
import type { RecordedEvent } from '../ports/event-store.port';
import type { SiteRow } from '../sites/site.view';
import type { RowProjection } from './row-projection';

/** The state after a site event, by the same lifecycle table the decider uses (unchanged by non-lifecycle events). */
export function siteStateAfter(from: string, event: RecordedEvent): SiteLifecycleState {
  const step = transitionOfSiteEvent(event as unknown as SiteEvent);
  if (!step) return from as SiteLifecycleState;
  return nextState(from as SiteLifecycleState, step.transition, step.retryOf);
}

// Every event of the site's stream, lifecycle or not (a health change, a backup): `version` is the stream's
// version, which GET /sites/{id} sends as the ETag that clients return as If-Match.
const SITE_STREAM_EVENT_TYPES: ReadonlySet<string> = new Set(SITE_EVENT_TYPES);

/** rm_sites: the site list (search, state filter) and the header of the site detail. */
export const siteListProjection: RowProjection<SiteRow> = {
  name: 'site-list',
  table: 'rm_sites',
  primaryKey: ['id'],
  columns: ['id', 'name', 'slug', 'state', 'node_id', 'primary_domain', 'version', 'last_error', 'created_at', 'updated_at'],
  handles: (type) => SITE_STREAM_EVENT_TYPES.has(type),
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
    // Only a lifecycle step's error is the site's (a failed backup leaves the site as it was).
    const error = transitionOfSiteEvent(event as unknown as SiteEvent) ? (event.data as { error?: object }).error : undefined;
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
