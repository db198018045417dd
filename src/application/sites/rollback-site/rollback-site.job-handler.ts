import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { failedBeforeLaunch, plResult, SiteJobSupport, str, toSiteJobFailure } from '../site-jobs/site-job-support';

/**
 * `site.rollback`: site-rollback.yml to the release the RollbackRequested event named (the decider
 * already refused a bad one without force). A failure that left the live release as it was (refused
 * before the switch, or switched back) is phase 'pre-switch' (site ACTIVE); one after which the
 * switch back failed is 'post-switch' (FAILED). Summary: {releaseId} or {phase}.
 */
@Injectable()
export class RollbackSiteJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteRollback;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    const { target, rollback } = await this.prepare(ctx).catch((err: unknown) => {
      throw failedBeforeLaunch(err);
    });
    ctx.log(`rolling ${target.env.name} back from ${rollback.fromReleaseId} to ${rollback.targetReleaseId}`);
    try {
      const result = await this.support.run(
        target,
        'site-rollback',
        {
          ...this.support.baseVars(target),
          primary_domain: target.env.domains[0],
          target_release_id: rollback.targetReleaseId,
          force: ctx.job.payload.force === true || target.env.badReleaseIds.includes(rollback.targetReleaseId),
        },
        ctx,
      );
      return { summary: { releaseId: str(plResult(result)?.release_id) ?? rollback.targetReleaseId } };
    } catch (err) {
      const failure = toSiteJobFailure(err);
      const out = plResult(failure);
      if (!out) throw failure;
      const unchanged = out.switched !== true || out.rolled_back === true;
      throw new JobFailure(unchanged ? failure.code : 'ROLLBACK_FAILED', `${failure.message}${str(out.reason) ? `: ${str(out.reason)}` : ''}`, false, {
        ...failure.summary,
        phase: unchanged ? 'pre-switch' : 'post-switch',
      });
    }
  }

  /** The rollback's environment (nothing of the site changes yet). */
  private async prepare(ctx: JobContext) {
    const rollbackId = String(ctx.job.payload.rollbackId ?? '');
    const probe = await this.support.target(ctx);
    const rollback = probe.site.lastRollback;
    if (!rollback || rollback.rollbackId !== rollbackId) throw new JobFailure('NOT_FOUND', `rollback ${rollbackId} is not the site's current rollback`, false);
    const target = rollback.environment === probe.env.name ? probe : await this.support.target(ctx, rollback.environment);
    this.support.secretsFor(ctx, target);
    return { target, rollback };
  }
}
