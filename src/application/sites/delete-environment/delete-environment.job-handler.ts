import { Injectable } from '@nestjs/common';
import { environmentBackupIds } from '../../../domain/site/site-environments';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { NO_RESTIC } from '../../nodes/backup-repository/restic-access';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { plResult, SiteJobSupport, str, toSiteJobFailure } from '../site-jobs/site-job-support';

/**
 * `site.environment-delete`: site-environment-delete.yml removes one non-production environment from
 * its node (vhost, pool, database and its user, files and its backups, the Linux user); then its sealed
 * secrets are forgotten. When the node has a restic repository, the run first forgets the snapshots
 * of the environment's backups there (the same ids EnvironmentDeleted drops from the list), so none
 * is left behind that nothing lists or prunes. The site's other environments are not touched.
 * Summary: {environment}.
 */
@Injectable()
export class DeleteEnvironmentJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteEnvironmentDelete;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      const deletionId = String(ctx.job.payload.environmentDeletionId ?? '');
      const target = await this.support.target(ctx);
      const deletion = target.site.lastEnvironmentDeletion;
      if (target.site.state !== 'DELETING_ENVIRONMENT' || deletion?.environmentDeletionId !== deletionId || deletion.environment !== target.env.name) {
        throw new JobFailure('NOT_FOUND', `environment deletion ${deletionId} is not the site's running one`, false);
      }
      ctx.log(`deleting ${target.env.name} (${target.names.site_base}, user ${target.names.site_user}, database ${target.names.db_name})`);
      const restic = this.support.restic(ctx, target);
      const backupIds = environmentBackupIds(target.site, target.env.name);
      const result = await this.support.run(
        target,
        'site-environment-delete',
        { ...this.support.baseVars(target), ...(restic?.vars ?? NO_RESTIC), backup_ids: backupIds },
        ctx,
      );
      if (restic) {
        const forgotten = plResult(result)?.forgotten;
        ctx.log(`forgot the restic snapshots of ${Array.isArray(forgotten) ? forgotten.length : 0} of its ${backupIds.length} backup(s) in ${restic.url}`);
      }
      this.support.forgetEnvironment(target.siteId, target.env.name);
      return { summary: { environment: target.env.name } };
    } catch (err) {
      const failure = toSiteJobFailure(err);
      // the run names what failed when it was restic (nothing removed then): keep its code
      const out = plResult(failure);
      const code = str(out?.code);
      throw code ? new JobFailure(code, str(out?.reason) ?? failure.message, failure.retryable, failure.summary) : failure;
    }
  }
}
