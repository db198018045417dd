import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../domain/common/domain-error';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { backupFailure } from '../back-up-site/back-up-site.job-handler';
import { backupContentsOf } from '../site-jobs/backup-contents';
import { plResult, SiteJobSupport, SiteJobTarget, toSiteJobFailure } from '../site-jobs/site-job-support';

const PRE_REMOVAL = { phase: 'pre-removal' } as const;

/**
 * `site.delete` (docs/backups.md, "Final backups"), in the order the domain's guard demands:
 *   1. site-backup.yml takes a full final backup of every environment the deletion planned one for
 *      (steps `final-backup-<env>`), written to `<pressluft_home>/deleted-site-backups/<env_slug>-<id>`,
 *      outside the site's folder, and recorded as BackupCompleted (purpose final);
 *   2. AuthorizeSiteDeletion: the decider refuses (FINAL_BACKUP_MISSING) unless every one completed;
 *   3. only then site-delete.yml per environment (vhost, pool, database and user, files and the
 *      ordinary backups, the Linux user; nothing else), which first checks its final backup against
 *      the recorded sha256s; then the sealed secrets are forgotten.
 * A final backup that fails removes nothing (FINAL_BACKUP_FAILED, pre-removal). Steps keep their runs
 * across attempts; site-delete.yml is idempotent. Summary: {environments, finalBackups}.
 */
@Injectable()
export class DeleteSiteJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteDelete;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      const first = await this.support.target(ctx);
      const environments = Object.keys(first.site.environments);
      if (first.site.state === 'DELETED') return { summary: { environments, finalBackups: [] } }; // a repeat after the deletion
      const deletion = first.site.lastDeletion;
      if (first.site.state !== 'DELETING' || !deletion?.deletionId) {
        throw new JobFailure('FINAL_BACKUP_MISSING', 'the site has no running deletion with planned final backups; nothing was removed', false, PRE_REMOVAL);
      }
      const deletionId = deletion.deletionId;
      const targets = new Map<string, SiteJobTarget>();
      const targetOf = async (name: string) => {
        if (!targets.has(name)) targets.set(name, name === first.env.name ? first : await this.support.target(ctx, name));
        return targets.get(name)!;
      };

      for (const planned of deletion.finalBackups) {
        if (first.site.backups[planned.backupId]?.state === 'completed') continue; // taken by an earlier attempt or run
        const target = await targetOf(planned.environment);
        const step = `final-backup-${planned.environment}`;
        ctx.log(`taking the final backup ${planned.backupId} of ${planned.environment} (full) to ${this.support.finalBackupPath(target, planned.backupId)}`);
        const secrets = this.support.secretsFor(ctx, target);
        const restic = this.support.restic(ctx, target);
        const result = await this.support
          .run(target, 'site-backup', this.support.backupVars(target, { backupId: planned.backupId, scope: 'full', purpose: 'final' }, secrets.dbPassword, restic), ctx, step)
          .catch((err: unknown) => {
            const failure = backupFailure(toSiteJobFailure(err), 'FINAL_BACKUP_FAILED');
            throw new JobFailure('FINAL_BACKUP_FAILED', `the final backup of ${planned.environment} failed, nothing was removed: ${failure.message}`, failure.retryable, {
              ...failure.summary,
              ...PRE_REMOVAL,
            });
          });
        const contents = backupContentsOf(plResult(result), target.env.nodeId, restic);
        this.support.record(ctx, { type: 'RecordFinalBackup', siteId: target.siteId, deletionId, backupId: planned.backupId, contents }, step);
      }
      this.authorize(ctx, first, deletionId);

      for (const name of environments) {
        const target = await targetOf(name);
        const planned = deletion.finalBackups.find((b) => b.environment === name);
        const recorded = planned ? this.support.completedBackup(target.siteId, planned.backupId) : null;
        ctx.log(`deleting ${name} (${target.names.site_base}, user ${target.names.site_user}, database ${target.names.db_name})`);
        await this.support.run(
          target,
          'site-delete',
          {
            ...this.support.baseVars(target),
            final_backup_dir: planned ? this.support.finalBackupPath(target, planned.backupId) : '',
            final_backup_parts: recorded?.parts ?? [],
          },
          ctx,
          `site-delete-${name}`,
        );
      }
      this.support.forget(first.siteId);
      const finalBackups = await Promise.all(
        deletion.finalBackups.map(async (b) => ({ ...b, path: this.support.finalBackupPath(await targetOf(b.environment), b.backupId) })),
      );
      return { summary: { environments, finalBackups } };
    } catch (err) {
      throw toSiteJobFailure(err);
    }
  }

  /** The guard of issue 10 item 6, asked of the domain: no removal unless every final backup is recorded. */
  private authorize(ctx: JobContext, target: SiteJobTarget, deletionId: string): void {
    try {
      this.support.record(ctx, { type: 'AuthorizeSiteDeletion', siteId: target.siteId, deletionId }, 'authorize-removal');
    } catch (err) {
      if (err instanceof DomainError) throw new JobFailure(err.code, err.message, false, PRE_REMOVAL);
      throw err;
    }
  }
}
