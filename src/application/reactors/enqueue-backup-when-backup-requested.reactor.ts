import type { BackupRequestedData } from '../../domain/site/site-backup.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

/** A backup runs between the site's other mutations (same concurrency key), never beside one. */
export const enqueueBackupWhenBackupRequested = jobReactor<BackupRequestedData>(
  'enqueue-backup-when-backup-requested',
  'BackupRequested',
  (d) => ({
    kind: JOB_KINDS.siteBackup,
    payload: { siteId: d.siteId, environment: d.environment, backupId: d.backupId, scope: d.scope },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteBackup}:${d.backupId}`,
  }),
);
