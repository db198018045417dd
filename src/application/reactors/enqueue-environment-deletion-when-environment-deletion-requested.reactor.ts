import type { EnvironmentDeletionRequestedData } from '../../domain/site/site-environment.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueueEnvironmentDeletionWhenEnvironmentDeletionRequested = jobReactor<EnvironmentDeletionRequestedData>(
  'enqueue-environment-deletion-when-environment-deletion-requested',
  'EnvironmentDeletionRequested',
  (d) => ({
    kind: JOB_KINDS.siteEnvironmentDelete,
    payload: { siteId: d.siteId, environment: d.environment, environmentDeletionId: d.environmentDeletionId },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteEnvironmentDelete}:${d.environmentDeletionId}`,
  }),
);
