import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { SiteJobSupport, toSiteJobFailure } from '../site-jobs/site-job-support';

/**
 * `site.delete`: site-delete.yml for every environment (vhost, pool, database and user, files, the Linux
 * user; nothing else), then the sealed secrets are forgotten. Idempotent: an environment already gone
 * reports changed=0. Summary: {environments}.
 */
@Injectable()
export class DeleteSiteJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteDelete;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      const first = await this.support.target(ctx);
      const environments = Object.keys(first.site.environments);
      for (const name of environments) {
        const target = name === first.env.name ? first : await this.support.target(ctx, name);
        ctx.log(`deleting ${name} (${target.names.site_base}, user ${target.names.site_user}, database ${target.names.db_name})`);
        await this.support.run(target, 'site-delete', this.support.baseVars(target), ctx, `site-delete-${name}`);
      }
      this.support.forget(first.siteId);
      return { summary: { environments } };
    } catch (err) {
      throw toSiteJobFailure(err);
    }
  }
}
