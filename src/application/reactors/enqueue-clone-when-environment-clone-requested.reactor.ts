import type { EnvironmentCloneRequestedData } from '../../domain/site/site-environment.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueueCloneWhenEnvironmentCloneRequested = jobReactor<EnvironmentCloneRequestedData>(
  'enqueue-clone-when-environment-clone-requested',
  'EnvironmentCloneRequested',
  (d) => ({
    kind: JOB_KINDS.siteClone,
    payload: { siteId: d.siteId, environment: d.environment, sourceEnvironment: d.sourceEnvironment, cloneId: d.cloneId },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteClone}:${d.cloneId}`,
  }),
);
