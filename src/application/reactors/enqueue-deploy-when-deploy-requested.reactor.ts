import type { DeployRequestedData } from '../../domain/site/site.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueueDeployWhenDeployRequested = jobReactor<DeployRequestedData>(
  'enqueue-deploy-when-deploy-requested',
  'DeployRequested',
  (d) => ({
    kind: JOB_KINDS.siteDeploy,
    payload: { siteId: d.siteId, environment: d.environment, deploymentId: d.deploymentId, source: d.source },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteDeploy}:${d.deploymentId}`,
  }),
);
