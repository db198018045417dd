import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { plResult, SiteJobSupport, str, toSiteJobFailure } from '../site-jobs/site-job-support';
import { NO_RESTIC } from '../../nodes/backup-repository/restic-access';

/**
 * `site.backup-prune`: site-backup-prune.yml removes the folders of the backups a
 * BackupDeletionRequested named (retention after a scheduled backup, or `backup delete`) from the
 * environment's node; its outcome records one BackupDeleted per backup. Serialized with the site's
 * other jobs (same concurrency key), so it never removes a backup a restore is reading. Removing a
 * folder that is already gone is fine (a re-run after a lost answer).
 */
@Injectable()
export class PruneSiteBackupsJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteBackupPrune;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    const deletionId = String(ctx.job.payload.deletionId ?? '');
    const probe = await this.support.target(ctx);
    const deletion = probe.site.backupDeletions[deletionId];
    if (!deletion) {
      ctx.log(`deletion ${deletionId} is not pending (already recorded)`);
      return { summary: { deleted: [], absent: [] } };
    }
    ctx.log(`deleting ${deletion.backupIds.length} backup(s) of ${probe.env.name} (${deletion.reason}): ${deletion.backupIds.join(', ')}`);
    try {
      // The node's repository forgets the snapshots tagged with these ids (any it has) and prunes.
      const restic = this.support.restic(ctx, probe);
      const result = await this.support.run(probe, 'site-backup-prune', { ...this.support.baseVars(probe), ...(restic?.vars ?? NO_RESTIC), backup_ids: [...deletion.backupIds] }, ctx);
      const out = plResult(result) ?? {};
      const deleted = Array.isArray(out.deleted) ? out.deleted.map(String) : [];
      const absent = Array.isArray(out.absent) ? out.absent.map(String) : [];
      ctx.log(`deleted ${deleted.length}, already absent ${absent.length}`);
      if (restic) ctx.log(`forgot the restic snapshots of ${Array.isArray(out.forgotten) ? out.forgotten.length : 0} backup(s) in ${restic.url} and pruned`);
      return { summary: { deleted, absent } };
    } catch (err) {
      const failure = toSiteJobFailure(err);
      const out = plResult(failure);
      throw new JobFailure('BACKUP_DELETE_FAILED', str(out?.reason) ?? failure.message, failure.retryable, failure.summary);
    }
  }
}
