import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { SiteSettings } from '../../ports/site-settings.port';
import { isProduction } from '../site-jobs/site-names';
import { plResult, SiteJobSupport, str, toSiteJobFailure } from '../site-jobs/site-job-support';
import { driftBaselineOf } from './drift-baseline';

/**
 * `site.clone` (docs/operations.md, "Staging clones"): site-clone.yml on the source's node makes the
 * new environment that EnvironmentCloneRequested added (its own user, pool, database, vhost; its own
 * secrets, generated on the first attempt, sealed, and reused by every later attempt and retry), copies
 * the source's current release, database (URLs rewritten to the new domain) and uploads, and returns the
 * source's drift baseline. Summary: {releaseId, baseline, siteUrl}; the outcome records EnvironmentCloned.
 */
@Injectable()
export class CloneEnvironmentJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteClone;

  constructor(
    private readonly support: SiteJobSupport,
    private readonly settings: SiteSettings,
  ) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      const cloneId = String(ctx.job.payload.cloneId ?? '');
      const target = await this.support.target(ctx);
      const clone = target.site.lastClone;
      if (target.site.state !== 'CLONING' || clone?.cloneId !== cloneId || clone.environment !== target.env.name) {
        throw new JobFailure('NOT_FOUND', `clone ${cloneId} is not the site's running clone`, false);
      }
      const source = await this.support.target(ctx, clone.sourceEnvironment);
      const secrets = this.support.secretsFor(ctx, target);
      const [primary, ...aliases] = target.env.domains;
      ctx.log(`cloning ${source.env.name} (${source.names.site_base}) into ${target.env.name} (${target.names.site_base}) at ${primary}`);
      const result = await this.support
        .run(
          target,
          'site-clone',
          {
            ...this.support.baseVars(target),
            primary_domain: primary,
            domain_aliases: aliases,
            db_password: secrets.dbPassword,
            wp_salts: secrets.wpSalts,
            table_prefix: 'wp_',
            upload_max_mb: this.settings.uploadMaxMb,
            noindex: !isProduction(target.env.name),
            source_env_slug: source.names.env_slug,
            source_site_base: source.names.site_base,
            source_db_name: source.names.db_name,
            source_primary_domain: source.env.domains[0],
          },
          ctx,
        )
        .catch((err: unknown) => {
          const failure = toSiteJobFailure(err);
          throw failure.code === 'REMOTE_RUN_FAILED' ? new JobFailure('CLONE_FAILED', `the clone failed on the node: ${failure.message}`, failure.retryable, failure.summary) : failure;
        });
      const out = plResult(result) ?? {};
      const baseline = driftBaselineOf(out.baseline);
      if (!baseline) throw new JobFailure('CLONE_FAILED', 'site-clone.yml returned no drift baseline', false);
      ctx.log(`cloned: ${str(out.site_url) ?? primary} (release ${str(out.release_id) ?? '?'}, baseline of ${baseline.tables.length} tables, ${baseline.uploads.files} uploads)`);
      return { summary: { releaseId: str(out.release_id), baseline, siteUrl: str(out.site_url) } };
    } catch (err) {
      throw toSiteJobFailure(err);
    }
  }
}
