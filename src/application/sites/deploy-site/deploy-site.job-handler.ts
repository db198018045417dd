import { Injectable } from '@nestjs/common';
import { KEEP_RELEASES } from '../../../domain/site/site-releases';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { UploadStore } from '../../ports/upload-store.port';
import { WordPressCoreSource } from '../../ports/wordpress-core.port';
import { failedBeforeLaunch, SiteJobTarget, plResult, SiteJobSupport, str, toSiteJobFailure } from '../site-jobs/site-job-support';

/**
 * `site.deploy`: the source made ready on the node (an uploaded archive or the core archive, uploaded
 * content-addressed; a git URL and ref, with the environment's deploy key when it has one), then
 * site-deploy.yml. Its pl_result says where a failure happened, which the outcome turns into the
 * lifecycle: refused before the switch (ACTIVE, nothing live changed), rolled back after the switch
 * (ACTIVE, release marked bad), or the switch back failed too (FAILED). The first two are final: running
 * the same release again cannot help. A failure before the playbook is launched (the source could not be
 * made ready: a missing upload, a core archive of another version) is pre-switch too. Summary:
 * {releaseId, previousReleaseId} or, on failure, {phase, rolledBack, releaseId}.
 */
@Injectable()
export class DeploySiteJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteDeploy;

  constructor(
    private readonly support: SiteJobSupport,
    private readonly uploads: UploadStore,
    private readonly core: WordPressCoreSource,
  ) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    const { target, source } = await this.prepare(ctx).catch((err: unknown) => {
      throw failedBeforeLaunch(err);
    });
    const releaseId = ctx.job.id;
    const [primary, ...aliases] = target.env.domains;
    ctx.log(`deploying release ${releaseId} (${String(source.type)}) to ${target.env.name}; live: ${target.env.currentReleaseId ?? 'none'}`);
    try {
      const result = await this.support.run(
        target,
        'site-deploy',
        { ...this.support.baseVars(target), primary_domain: primary, domain_aliases: aliases, release_id: releaseId, keep_releases: KEEP_RELEASES, source },
        ctx,
      );
      const out = plResult(result) ?? {};
      return { summary: { releaseId: str(out.release_id) ?? releaseId, previousReleaseId: str(out.previous_release_id) } };
    } catch (err) {
      throw deployFailure(toSiteJobFailure(err), releaseId);
    }
  }

  /** The deployment's environment and its source made ready on the node (nothing of the site changes yet). */
  private async prepare(ctx: JobContext) {
    const deploymentId = String(ctx.job.payload.deploymentId ?? '');
    const probe = await this.support.target(ctx, undefined);
    const deployment = probe.site.lastDeployment;
    if (!deployment || deployment.deploymentId !== deploymentId) {
      throw new JobFailure('NOT_FOUND', `deployment ${deploymentId} is not the site's current deployment`, false);
    }
    const target = deployment.environment === probe.env.name ? probe : await this.support.target(ctx, deployment.environment);
    const secrets = this.support.secretsFor(ctx, target);
    return { target, source: await this.source(target, deployment.source, secrets.deployKey?.privateKey, ctx) };
  }

  /** The playbook's `source` var. Paths and checksums come from uploads made here, never from the request. */
  private async source(target: SiteJobTarget, requested: Readonly<Record<string, unknown>>, deployKey: string | undefined, ctx: JobContext) {
    switch (requested.type) {
      case 'archive': {
        const upload = this.uploads.get(String(requested.uploadId ?? ''));
        if (!upload) throw new JobFailure('NOT_FOUND', `upload ${String(requested.uploadId)} does not exist (any more)`, false);
        const onNode = await this.support.upload(target, upload.path, ctx);
        return { type: 'archive', archive: onNode.path, archive_sha256: onNode.sha256 };
      }
      case 'git':
        return { type: 'git', url: String(requested.url), ref: String(requested.ref ?? 'HEAD'), ...(deployKey ? { deploy_key: deployKey } : {}) };
      case 'wordpress': {
        const archive = await this.core.archive(ctx.signal);
        if (requested.version !== undefined && requested.version !== archive.version) {
          throw new JobFailure(
            'WORDPRESS_ARCHIVE_INVALID',
            `WordPress ${String(requested.version)} was asked for, but the core archive (${archive.path}) is ${archive.version}`,
            false,
          );
        }
        const onNode = await this.support.upload(target, archive.path, ctx);
        return { type: 'wordpress', archive: onNode.path, archive_sha256: onNode.sha256, version: archive.version };
      }
      default:
        throw new JobFailure('VALIDATION_FAILED', `unknown deploy source type ${JSON.stringify(requested.type)}`, false);
    }
  }
}

/** A failed site-deploy.yml run, read through its pl_result: which phase, and whether the switch back worked. */
function deployFailure(failure: JobFailure, releaseId: string): JobFailure {
  const out = plResult(failure);
  if (!out || typeof out.phase !== 'string') return failure;
  const release = str(out.release_id) ?? releaseId;
  const reason = str(out.reason) ?? failure.message;
  if (out.phase === 'pre-switch' || out.switched === false) {
    return new JobFailure('DEPLOY_CHECK_FAILED', `release ${release} was refused before the switch: ${reason}`, false, {
      ...failure.summary,
      phase: 'pre-switch',
      rolledBack: false,
      releaseId: release,
    });
  }
  if (out.rolled_back === true && out.rollback_failed !== true) {
    return new JobFailure('DEPLOY_HEALTH_CHECK_FAILED', `release ${release} failed after the switch and was rolled back: ${reason}`, false, {
      ...failure.summary,
      phase: 'post-switch',
      rolledBack: true,
      releaseId: release,
    });
  }
  return new JobFailure('ROLLBACK_FAILED', `release ${release} failed after the switch and switching back failed too: ${reason}`, false, {
    ...failure.summary,
    phase: 'post-switch',
    rolledBack: false,
    releaseId: release,
  });
}
