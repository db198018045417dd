import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { SiteJobSupport, toSiteJobFailure } from '../site-jobs/site-job-support';

/**
 * `site.environment-delete`: site-environment-delete.yml removes one non-production environment from
 * its node (vhost, pool, database and its user, files and its backups, the Linux user); then its sealed
 * secrets are forgotten. The site's other environments are not touched. Summary: {environment}.
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
      await this.support.run(target, 'site-environment-delete', this.support.baseVars(target), ctx);
      this.support.forgetEnvironment(target.siteId, target.env.name);
      return { summary: { environment: target.env.name } };
    } catch (err) {
      throw toSiteJobFailure(err);
    }
  }
}
