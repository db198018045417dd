import type { DomainsChangedData } from '../../domain/site/site.events';
import { certificateRequestJob } from './certificate-request-job';
import { jobReactor } from './job-reactor';

/** New names ask for a certificate for them at once (see request-certificate-when-site-provisioned). */
export const requestCertificateWhenDomainsChanged = jobReactor<DomainsChangedData>(
  'request-certificate-when-domains-changed',
  'DomainsChanged',
  certificateRequestJob('domains-changed'),
);
