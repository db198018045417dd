import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { SiteSettings } from '../../ports/site-settings.port';
import { isProduction } from '../site-jobs/site-names';
import { plResult, SiteJobSupport, toSiteJobFailure } from '../site-jobs/site-job-support';

/**
 * `site.domains`: site-domains.yml with the domains the DomainsChangeRequested event recorded; a new
 * primary domain rewrites siteurl/home and content URLs (serialization-safe) and the vhost in one run.
 * Summary: {primary, aliases, rewritten}.
 */
@Injectable()
export class ChangeSiteDomainsJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteDomains;

  constructor(
    private readonly support: SiteJobSupport,
    private readonly settings: SiteSettings,
  ) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      const changeId = String(ctx.job.payload.changeId ?? '');
      const probe = await this.support.target(ctx);
      const change = probe.site.lastDomainsChange;
      if (!change || change.changeId !== changeId) throw new JobFailure('NOT_FOUND', `domain change ${changeId} is not the site's current one`, false);
      const target = change.environment === probe.env.name ? probe : await this.support.target(ctx, change.environment);
      this.support.secretsFor(ctx, target);
      const previous = target.env.domains[0];
      ctx.log(`domains of ${target.env.name}: ${change.primary}${change.aliases.length ? ` (+ ${change.aliases.join(', ')})` : ''}; was ${previous}`);
      const result = await this.support.run(
        target,
        'site-domains',
        {
          ...this.support.baseVars(target),
          primary_domain: change.primary,
          domain_aliases: change.aliases,
          previous_primary_domain: previous,
          upload_max_mb: this.settings.uploadMaxMb,
          noindex: !isProduction(target.env.name),
        },
        ctx,
      );
      return { summary: { primary: change.primary, aliases: change.aliases, rewritten: plResult(result)?.rewritten ?? null } };
    } catch (err) {
      throw toSiteJobFailure(err);
    }
  }
}
