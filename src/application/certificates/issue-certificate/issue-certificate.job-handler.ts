import { Injectable } from '@nestjs/common';
import { certificateDecider, certificateOf } from '../../../domain/certificate/certificate.decider';
import { CertificateEvent, certificateStreamId } from '../../../domain/certificate/certificate.events';
import { foldEvents } from '../../../domain/common/domain-event';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { CertificateSettings } from '../../ports/certificate-settings.port';
import { EventStore } from '../../ports/event-store.port';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import type { DriftBaseline } from '../../../domain/site/site-environment.events';
import { clonesOf } from '../../../domain/site/site-promotions';
import { driftBaselineOf } from '../../sites/clone-environment/drift-baseline';
import { plResult, SiteJobSupport, str, toSiteJobFailure } from '../../sites/site-jobs/site-job-support';

/** What the CA or the network may get right on a later attempt; a name pointed elsewhere or a refused nginx config will not. */
const RETRYABLE = new Set(['CERT_ACME_RATE_LIMITED', 'CERT_ACME_FAILED']);

/**
 * `site.certificate`: site-certificate.yml for the names the CertificateRequested event recorded. The
 * node asks the CA only when its certificate is missing, for other names or another directory, due for
 * renewal, or `force`; otherwise it keeps it (and applies HSTS as asked). Keys stay on the node.
 * Summary: {renewed, serial, domains, notBefore, notAfter, renewAt, hsts[, httpsSwitch: {before, after}]}
 * (the drift snapshots around the URL rewrite, taken when the environment has clones); a failure carries the
 * playbook's error code (CERT_*) and the names it is about.
 */
@Injectable()
export class IssueCertificateJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteCertificate;

  constructor(
    private readonly support: SiteJobSupport,
    private readonly store: EventStore,
    private readonly settings: CertificateSettings,
  ) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      const { siteId, environment, requestId } = ctx.job.payload as { siteId: string; environment: string; requestId: string };
      const site = foldEvents(certificateDecider, this.store.readStream(certificateStreamId(siteId)).events as unknown as CertificateEvent[]);
      const state = certificateOf(site, environment);
      const request = state.lastRequest;
      if (!request || state.pendingRequestId !== requestId) throw new JobFailure('NOT_FOUND', `certificate request ${requestId} is not the environment's running one (it finished); request a certificate again instead of retrying this job`, false);
      const target = await this.support.target(ctx, environment);
      const [primary, ...aliases] = request.domains;
      // A clone compares its source against the baseline it took; the source's switch to https is not drift.
      const clones = clonesOf(target.site.environments, environment);
      ctx.log(`certificate of ${environment} for ${request.domains.join(', ')} (${request.reason}${request.force ? ', forced' : ''}, HSTS ${request.hsts ? 'on' : 'off'}) from ${this.settings.acmeDirectoryUrl}`);
      // A step per attempt: a retry after a CA error asks again instead of replaying the recorded failure.
      const result = await this.support
        .run(
          target,
          'site-certificate',
          {
            env_slug: target.env.envSlug,
            // the WordPress whose siteurl/home switch to https once the certificate is served
            site_user: target.names.site_user,
            site_base: target.names.site_base,
            php_version: target.env.phpVersion,
            primary_domain: primary,
            domain_aliases: aliases,
            acme_directory_url: this.settings.acmeDirectoryUrl,
            acme_email: this.settings.acmeEmail,
            acme_ca_bundle: this.settings.acmeCaBundle(),
            renew_share: this.settings.renewShare,
            force: request.force,
            hsts: request.hsts,
            // snapshots right before and after the URL rewrite, for the clones' baselines
            drift_snapshot: clones.length > 0,
            db_name: target.names.db_name,
          },
          ctx,
          `site-certificate-${ctx.job.attempt}`,
        )
        .catch((err: unknown) => {
          throw certificateFailure(err);
        });
      const out = plResult(result) ?? {};
      const summary = {
        renewed: out.renewed === true,
        serial: str(out.serial),
        domains: Array.isArray(out.domains) ? out.domains.map(String) : [],
        notBefore: str(out.not_before),
        notAfter: str(out.not_after),
        renewAt: str(out.renew_at),
        hsts: out.hsts === true,
      };
      if (!summary.serial || !summary.notAfter) throw new JobFailure('CERT_ACME_FAILED', 'the playbook reported no certificate', true);
      ctx.log(`${summary.renewed ? 'installed' : 'kept'} certificate ${summary.serial}, valid until ${summary.notAfter}, renewal from ${summary.renewAt}`);
      const httpsUrls = out.https_urls && typeof out.https_urls === 'object' ? (out.https_urls as Record<string, number>) : {};
      if (Object.keys(httpsUrls).length > 0) ctx.log(`WordPress URLs of ${primary} switched to https (rows per table: ${JSON.stringify(httpsUrls)})`);
      const around = snapshotsAround(out.https_switch);
      const httpsSwitch = typeof around === 'object' ? around : null;
      if (httpsSwitch) ctx.log(`snapshots around the switch taken for the baselines of ${clones.join(', ')}`);
      else if (typeof around === 'string') ctx.log(`no snapshots around the switch (${around}): ${clones.join(', ')} will see it as drift`);
      return { summary: httpsSwitch ? { ...summary, httpsSwitch } : summary };
    } catch (err) {
      throw toSiteJobFailure(err);
    }
  }
}

/**
 * The snapshots the playbook took right before and after it rewrote the URLs: both, when both were
 * taken; why not (a snapshot's reason), when one failed; null when it took none (no rewrite or no clones).
 */
function snapshotsAround(raw: unknown): { before: DriftBaseline; after: DriftBaseline } | string | null {
  if (!raw || typeof raw !== 'object') return null;
  const { before, after } = raw as Record<string, Record<string, unknown> | undefined>;
  const taken = (snapshot: Record<string, unknown> | undefined) => (snapshot?.ok === true ? driftBaselineOf(snapshot) : null);
  const [was, now] = [taken(before), taken(after)];
  if (was && now) return { before: was, after: now };
  return [before?.reason, after?.reason].filter((r): r is string => typeof r === 'string' && r !== '').join('; ') || 'the snapshot printed no result';
}

/** The playbook's own error (pl_result.error: CERT_* code, message, names) in place of the runner's generic one. */
function certificateFailure(err: unknown): unknown {
  const error = plResult(err)?.error as { code?: unknown; message?: unknown; domains?: unknown } | undefined;
  if (!error || typeof error.code !== 'string' || !error.code.startsWith('CERT_')) return err;
  const domains = Array.isArray(error.domains) ? error.domains.map(String) : [];
  return new JobFailure(error.code, String(error.message ?? error.code), RETRYABLE.has(error.code), { domains });
}
