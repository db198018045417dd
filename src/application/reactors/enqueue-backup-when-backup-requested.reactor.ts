import type { BackupRequestedData, BackupRetryRequestedData } from '../../domain/site/site-backup.events';
import type { JobRequest } from '../ports/event-store.port';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

/**
 * A backup runs between the site's other mutations (same concurrency key), never beside one. A retry
 * queues the same backup id again: the failed job is finished, so its dedup key is free.
 */
export function backupJob(d: BackupRequestedData | BackupRetryRequestedData): JobRequest {
  return {
    kind: JOB_KINDS.siteBackup,
    payload: { siteId: d.siteId, environment: d.environment, backupId: d.backupId, scope: d.scope },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteBackup}:${d.backupId}`,
  };
}

export const enqueueBackupWhenBackupRequested = jobReactor<BackupRequestedData>('enqueue-backup-when-backup-requested', 'BackupRequested', backupJob);
