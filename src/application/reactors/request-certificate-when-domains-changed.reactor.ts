import type { DomainsChangedData } from '../../domain/site/site.events';
import { JOB_KINDS } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

/** New names ask for a certificate for them at once (see request-certificate-when-site-provisioned). */
export const requestCertificateWhenDomainsChanged = jobReactor<DomainsChangedData>(
  'request-certificate-when-domains-changed',
  'DomainsChanged',
  (d, event) => ({
    kind: JOB_KINDS.siteCertificateRequest,
    payload: { siteId: d.siteId, environment: d.environment, reason: 'domains-changed', causationId: event.eventId },
    siteId: d.siteId,
    dedupKey: `${JOB_KINDS.siteCertificateRequest}:${event.eventId}`,
  }),
);
