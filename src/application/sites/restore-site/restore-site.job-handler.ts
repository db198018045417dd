import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../domain/common/domain-error';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { backupFailure } from '../back-up-site/back-up-site.job-handler';
import { backupContentsOf } from '../site-jobs/backup-contents';
import { overwriteFailure } from '../site-jobs/overwrite-failure';
import { plResult, SiteJobSupport, SiteJobTarget, str, toSiteJobFailure } from '../site-jobs/site-job-support';
import type { BackupLocation, ResticBackupLocation } from '../../../domain/site/site-backup.events';
import type { ResticTarget } from '../../nodes/backup-repository/restic-access';

const PRE_OVERWRITE = { phase: 'pre-overwrite', rolledBack: false } as const;

/**
 * `site.restore` (docs/backups.md), in the order the domain's guard demands:
 *   1. site-backup.yml takes the pre-restore backup (step `pre-restore-backup`), recorded as
 *      BackupCompleted (purpose pre-restore);
 *   2. AuthorizeRestoreOverwrite: the decider refuses unless that backup completed;
 *   3. only then site-restore.yml (step `restore`): verifies every part against the manifest and the
 *      recorded sha256s, overwrites, checks, and puts the pre-restore backup back on failure.
 * Steps keep their runs across attempts, so a re-attached or retried attempt never takes a second
 * pre-restore backup of a half-restored site. Summary: {releaseId}, or {phase, rolledBack, rollbackError}.
 */
@Injectable()
export class RestoreSiteJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteRestore;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    const restoreId = String(ctx.job.payload.restoreId ?? '');
    const probe = await this.support.target(ctx);
    const restore = probe.site.lastRestore;
    if (!restore || restore.restoreId !== restoreId || probe.site.state !== 'RESTORING') {
      throw new JobFailure('NOT_FOUND', `restore ${restoreId} is not the site's running restore`, false, PRE_OVERWRITE);
    }
    const target = restore.environment === probe.env.name ? probe : await this.support.target(ctx, restore.environment);
    const backup = this.support.completedBackup(target.siteId, restore.backupId);
    if (!backup) throw new JobFailure('BACKUP_NOT_COMPLETE', `backup ${restore.backupId} has no recorded parts`, false, PRE_OVERWRITE);
    const secrets = this.support.secretsFor(ctx, target);
    const restic = this.support.restic(ctx, target);
    const vars = { ...this.support.baseVars(target), db_password: secrets.dbPassword };

    if (target.site.backups[restore.preRestoreBackupId]?.state !== 'completed') {
      ctx.log(`taking the pre-restore backup ${restore.preRestoreBackupId} (${restore.scope})`);
      const pre = await this.support
        .run(target, 'site-backup', this.support.backupVars(target, { backupId: restore.preRestoreBackupId, scope: restore.scope, purpose: 'pre-restore' }, secrets.dbPassword, restic), ctx, 'pre-restore-backup')
        .catch((err: unknown) => {
          const failure = backupFailure(toSiteJobFailure(err), 'PRE_RESTORE_BACKUP_FAILED');
          throw new JobFailure('PRE_RESTORE_BACKUP_FAILED', `the pre-restore backup failed, nothing was overwritten: ${failure.message}`, failure.retryable, {
            ...failure.summary,
            ...PRE_OVERWRITE,
          });
        });
      this.support.record(ctx, { type: 'RecordPreRestoreBackup', siteId: target.siteId, restoreId, contents: backupContentsOf(plResult(pre), target.env.nodeId, restic) }, 'pre-restore-backup');
    }
    this.authorize(ctx, target, restoreId);

    ctx.log(`restoring ${target.env.name} from ${restore.backupId}; pre-restore backup ${restore.preRestoreBackupId}`);
    try {
      const result = await this.support.run(
        target,
        'site-restore',
        {
          ...vars,
          primary_domain: target.env.domains[0],
          backup_id: restore.backupId,
          pre_restore_backup_id: restore.preRestoreBackupId,
          expected_parts: backup.parts,
          ...resticSource(backup.locations, restic),
        },
        ctx,
        'restore',
      );
      const out = plResult(result);
      if (out?.from_restic === true) ctx.log(`the local copy of ${restore.backupId} was gone: restored from restic`);
      return { summary: { releaseId: str(out?.release_id), fromRestic: out?.from_restic === true } };
    } catch (err) {
      throw overwriteFailure(toSiteJobFailure(err), { operation: 'restore', backup: 'pre-restore', refusedCode: 'BACKUP_CORRUPT', failedCode: 'RESTORE_FAILED', rollbackFailedCode: 'RESTORE_ROLLBACK_FAILED' });
    }
  }

  /** The guard of issue 10 item 6, asked of the domain: no overwrite unless the pre-restore backup is recorded. */
  private authorize(ctx: JobContext, target: SiteJobTarget, restoreId: string): void {
    try {
      this.support.record(ctx, { type: 'AuthorizeRestoreOverwrite', siteId: target.siteId, restoreId }, 'authorize-overwrite');
    } catch (err) {
      if (err instanceof DomainError) throw new JobFailure(err.code, err.message, false, PRE_OVERWRITE);
      throw err;
    }
  }
}

/**
 * Where the playbook may read the backup from when its local copy is gone: the snapshot recorded in
 * the repository the node has now (a snapshot of a replaced or removed repository cannot be reached).
 */
function resticSource(locations: readonly BackupLocation[], restic: ResticTarget | null): Record<string, unknown> {
  const snapshot = locations.find((l): l is ResticBackupLocation => l.kind === 'restic' && l.repositoryId === restic?.repositoryId);
  if (!restic || !snapshot) return { restic_repository: null };
  return { ...restic.vars, restic_snapshot_id: snapshot.snapshotId, restic_expected_parts: snapshot.parts };
}
