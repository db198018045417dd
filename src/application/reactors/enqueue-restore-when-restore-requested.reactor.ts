import type { RestoreRequestedData } from '../../domain/site/site-backup.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueueRestoreWhenRestoreRequested = jobReactor<RestoreRequestedData>(
  'enqueue-restore-when-restore-requested',
  'RestoreRequested',
  (d) => ({
    kind: JOB_KINDS.siteRestore,
    payload: { siteId: d.siteId, environment: d.environment, restoreId: d.restoreId, backupId: d.backupId },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteRestore}:${d.restoreId}`,
  }),
);
