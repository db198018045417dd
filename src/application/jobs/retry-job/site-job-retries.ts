import { DomainError } from '../../../domain/common/domain-error';
import type { SiteCommand } from '../../../domain/site/site.commands';
import type { JobRecord } from '../../ports/job-queue.port';
import { JOB_KINDS } from '../job-kinds';

/** Jobs that run one of the site's lifecycle operations: a retry is the site's own (FAILED → the operation). */
const LIFECYCLE_KINDS: readonly string[] = [
  JOB_KINDS.siteProvision,
  JOB_KINDS.siteDeploy,
  JOB_KINDS.siteReset,
  JOB_KINDS.siteDelete,
  JOB_KINDS.siteRollback,
  JOB_KINDS.siteDomains,
  JOB_KINDS.siteRestore,
  JOB_KINDS.sitePromote,
  JOB_KINDS.siteClone,
  JOB_KINDS.siteEnvironmentDelete,
];

/**
 * The site command that retries a failed site job, or null when the job is simply run again (a
 * health check, the certificate-request step). A certificate job is retried by the certificate
 * stream instead (RequestCertificate with retryOf), see RetryJobHandler.
 */
export function siteRetryCommand(job: JobRecord, siteId: string, newId: () => string): SiteCommand | null {
  const p = job.payload as Record<string, unknown>;
  if (LIFECYCLE_KINDS.includes(job.kind)) return { type: 'RequestSiteRetry', siteId };
  if (job.kind === JOB_KINDS.siteBackup) {
    return { type: 'RetryBackup', siteId, environment: String(p.environment ?? 'production'), backupId: String(p.backupId ?? '') };
  }
  if (job.kind === JOB_KINDS.siteBackupPrune) {
    if (!Array.isArray(p.backupIds) || (p.reason !== 'retention' && p.reason !== 'operator')) {
      // jobs queued before the payload named its backups
      throw new DomainError('JOB_NOT_RETRYABLE', `job ${job.id} does not name its backups: delete them again with 'backup delete'`, { jobId: job.id });
    }
    return {
      type: 'RetryBackupDeletion',
      siteId,
      failedDeletionId: String(p.deletionId ?? ''),
      environment: String(p.environment ?? 'production'),
      backupIds: p.backupIds.map(String),
      reason: p.reason,
      deletionId: newId(),
    };
  }
  return null;
}
