import type { BackupRetryRequestedData } from '../../domain/site/site-backup.events';
import { backupJob } from './enqueue-backup-when-backup-requested.reactor';
import { jobReactor } from './job-reactor';

/** A retried backup is the same backup id in a new site.backup job (the failed one is finished). */
export const enqueueBackupWhenBackupRetryRequested = jobReactor<BackupRetryRequestedData>(
  'enqueue-backup-when-backup-retry-requested',
  'BackupRetryRequested',
  backupJob,
);
