import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { backupContentsOf } from '../site-jobs/backup-contents';
import { plResult, SiteJobSupport, str, toSiteJobFailure } from '../site-jobs/site-job-support';

/**
 * `site.backup`: site-backup.yml for the BackupRequested event's backup id and scope (docs/backups.md).
 * The DB password is registered as a secret before the run and reaches the node only in the 0600 vars
 * file. When the node has a restic repository the run sends the backup there too (its password is
 * registered the same way). Summary: {contents} (parts with size and sha256, where the copies live,
 * release, WordPress version), which the outcome records as BackupCompleted.
 */
@Injectable()
export class BackUpSiteJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteBackup;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    const backupId = String(ctx.job.payload.backupId ?? '');
    const probe = await this.support.target(ctx);
    const backup = probe.site.backups[backupId];
    if (!backup) throw new JobFailure('BACKUP_NOT_FOUND', `backup ${backupId} was never requested`, false);
    const secrets = this.support.secretsFor(ctx, probe);
    const restic = this.support.restic(ctx, probe);
    ctx.log(`backing up ${probe.env.name} (${backup.scope}) as ${backupId}`);
    try {
      const result = await this.support.run(
        probe,
        'site-backup',
        this.support.backupVars(probe, { backupId, scope: backup.scope, purpose: 'operator' }, secrets.dbPassword, restic),
        ctx,
      );
      const out = plResult(result);
      const contents = backupContentsOf(out, probe.env.nodeId, restic);
      ctx.log(`backup ${backupId}: ${contents.parts.map((p) => `${p.file} ${p.size} B`).join(', ')}`);
      const sent = contents.locations.find((l) => l.kind === 'restic');
      if (sent?.kind === 'restic') {
        const added = Number((out?.restic as Record<string, unknown> | undefined)?.dataAdded ?? 0);
        ctx.log(`sent to restic ${sent.url} as snapshot ${sent.snapshotId} (${added} B added to the repository)`);
      }
      return { summary: { contents } };
    } catch (err) {
      throw backupFailure(toSiteJobFailure(err));
    }
  }
}

/** A failed site-backup.yml run, with the helper's own code and reason when it gave them. */
export function backupFailure(failure: JobFailure, code = 'BACKUP_FAILED'): JobFailure {
  const out = plResult(failure);
  if (!out || out.ok !== false) return failure;
  return new JobFailure(code, str(out.reason) ?? failure.message, false, failure.summary);
}
