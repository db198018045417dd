import type { SiteProvisionedData } from '../../domain/site/site.events';
import { JOB_KINDS } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

/**
 * A new site asks for its certificate at once instead of waiting for the scheduler's next round. The
 * job only records the request (no concurrency key: it never waits behind or delays a site job); the
 * certificate job it causes shares the site's key. One job per SiteProvisioned event (dedup key).
 */
export const requestCertificateWhenSiteProvisioned = jobReactor<SiteProvisionedData>(
  'request-certificate-when-site-provisioned',
  'SiteProvisioned',
  (d, event) => ({
    kind: JOB_KINDS.siteCertificateRequest,
    payload: { siteId: d.siteId, environment: d.environment, reason: 'created', causationId: event.eventId },
    siteId: d.siteId,
    dedupKey: `${JOB_KINDS.siteCertificateRequest}:${event.eventId}`,
  }),
);
