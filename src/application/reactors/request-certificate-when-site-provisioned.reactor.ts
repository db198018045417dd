import type { SiteProvisionedData } from '../../domain/site/site.events';
import { certificateRequestJob } from './certificate-request-job';
import { jobReactor } from './job-reactor';

/** A new site asks for its certificate at once instead of waiting for the scheduler's next round. */
export const requestCertificateWhenSiteProvisioned = jobReactor<SiteProvisionedData>(
  'request-certificate-when-site-provisioned',
  'SiteProvisioned',
  certificateRequestJob('created'),
);
