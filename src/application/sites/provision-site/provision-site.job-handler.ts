import { Injectable } from '@nestjs/common';
import { KEEP_RELEASES } from '../../../domain/site/site-releases';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { WordPressCoreSource } from '../../ports/wordpress-core.port';
import { SiteSettings } from '../../ports/site-settings.port';
import { isProduction } from '../site-jobs/site-names';
import { plResult, SiteJobSupport, str, toSiteJobFailure } from '../site-jobs/site-job-support';

/**
 * `site.provision`: WordPress core uploaded to the node (content-addressed), then site-provision.yml
 * (user, pool, database, vhost, first release, WordPress install). The environment's secrets were
 * generated when the site was created and are reused on every attempt and retry.
 * Summary: {releaseId, wordpressVersion, siteUrl}.
 */
@Injectable()
export class ProvisionSiteJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteProvision;

  constructor(
    private readonly support: SiteJobSupport,
    private readonly core: WordPressCoreSource,
    private readonly settings: SiteSettings,
  ) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      const target = await this.support.target(ctx);
      const secrets = this.support.secretsFor(ctx, target);
      const archive = await this.core.archive(ctx.signal);
      ctx.log(`WordPress ${archive.version} from ${archive.path} (sha256 ${archive.sha256.slice(0, 12)}…)`);
      const onNode = await this.support.upload(target, archive.path, ctx);
      const [primary, ...aliases] = target.env.domains;
      const vars = {
        ...this.support.baseVars(target),
        primary_domain: primary,
        domain_aliases: aliases,
        db_password: secrets.dbPassword,
        wp_salts: secrets.wpSalts,
        table_prefix: 'wp_',
        site_title: target.site.name,
        admin_user: 'admin',
        admin_email: target.site.adminEmail,
        admin_password: secrets.adminPassword,
        wordpress_archive: onNode.path,
        wordpress_archive_sha256: onNode.sha256,
        release_id: ctx.job.id,
        upload_max_mb: this.settings.uploadMaxMb,
        keep_releases: KEEP_RELEASES,
        noindex: !isProduction(target.env.name),
      };
      const result = await this.support.run(target, 'site-provision', vars, ctx);
      const out = plResult(result) ?? {};
      ctx.log(`provisioned: ${str(out.site_url) ?? primary} (release ${str(out.release_id) ?? '?'}, WordPress ${str(out.wordpress_version) ?? '?'})`);
      return { summary: { releaseId: str(out.release_id) ?? ctx.job.id, wordpressVersion: str(out.wordpress_version), siteUrl: str(out.site_url) } };
    } catch (err) {
      throw toSiteJobFailure(err);
    }
  }
}
