import type { RollbackRequestedData } from '../../domain/site/site.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueueRollbackWhenRollbackRequested = jobReactor<RollbackRequestedData>(
  'enqueue-rollback-when-rollback-requested',
  'RollbackRequested',
  (d) => ({
    kind: JOB_KINDS.siteRollback,
    payload: { siteId: d.siteId, environment: d.environment, rollbackId: d.rollbackId, force: d.force },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteRollback}:${d.rollbackId}`,
  }),
);
