import type { SiteResetRequestedData } from '../../domain/site/site.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

/** A reset leaves FAILED only after a passing health check: that check is the job. */
export const enqueueHealthCheckWhenSiteResetRequested = jobReactor<SiteResetRequestedData>(
  'enqueue-health-check-when-site-reset-requested',
  'SiteResetRequested',
  (d, event) => ({
    kind: JOB_KINDS.siteReset,
    payload: { siteId: d.siteId },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteReset}:${event.eventId}`,
  }),
);
