import type { BackupDeletionRequestedData } from '../../domain/site/site-backup-schedule.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

/** Deleting backups runs between the site's other jobs (same concurrency key): never beside a restore or a backup. */
export const enqueueBackupPruneWhenBackupDeletionRequested = jobReactor<BackupDeletionRequestedData>(
  'enqueue-backup-prune-when-backup-deletion-requested',
  'BackupDeletionRequested',
  (d) => ({
    kind: JOB_KINDS.siteBackupPrune,
    // what the deletion names rides along: a retry of a failed job asks for the same backups again
    payload: { siteId: d.siteId, environment: d.environment, deletionId: d.deletionId, backupIds: d.backupIds, reason: d.reason },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteBackupPrune}:${d.deletionId}`,
  }),
);
