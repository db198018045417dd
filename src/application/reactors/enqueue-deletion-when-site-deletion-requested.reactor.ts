import type { SiteDeletionRequestedData } from '../../domain/site/site.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueueDeletionWhenSiteDeletionRequested = jobReactor<SiteDeletionRequestedData>(
  'enqueue-deletion-when-site-deletion-requested',
  'SiteDeletionRequested',
  (d, event) => ({
    kind: JOB_KINDS.siteDelete,
    payload: { siteId: d.siteId, environments: [...d.environments] },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteDelete}:${event.eventId}`,
  }),
);
