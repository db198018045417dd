import type { SiteCreatedData } from '../../domain/site/site.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueueProvisioningWhenSiteCreated = jobReactor<SiteCreatedData>(
  'enqueue-provisioning-when-site-created',
  'SiteCreated',
  (d) => ({
    kind: JOB_KINDS.siteProvision,
    payload: { siteId: d.siteId, environment: d.environment.name },
    siteId: d.siteId,
    nodeId: d.nodeId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteProvision}:${d.siteId}`,
  }),
);
