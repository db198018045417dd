import type { DomainsChangeRequestedData } from '../../domain/site/site.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueueDomainsChangeWhenDomainsChangeRequested = jobReactor<DomainsChangeRequestedData>(
  'enqueue-domains-change-when-domains-change-requested',
  'DomainsChangeRequested',
  (d) => ({
    kind: JOB_KINDS.siteDomains,
    payload: { siteId: d.siteId, environment: d.environment, changeId: d.changeId },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteDomains}:${d.changeId}`,
  }),
);
