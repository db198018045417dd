import { Injectable } from '@nestjs/common';
import type { DriftBaseline } from '../../../domain/site/site-environment.events';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { driftBaselineOf } from '../clone-environment/drift-baseline';
import { plResult, SiteJobSupport, SiteJobTarget, toSiteJobFailure } from '../site-jobs/site-job-support';

/** site-drift-snapshot.yml (read-only) on one environment: its tables (volatile rows left out) and uploads hash now. */
export async function takeDriftSnapshot(support: SiteJobSupport, target: SiteJobTarget, ctx: JobContext, step: string): Promise<DriftBaseline> {
  const result = await support.run(target, 'site-drift-snapshot', support.baseVars(target), ctx, step).catch((err: unknown) => {
    const failure = toSiteJobFailure(err);
    throw failure.code === 'REMOTE_RUN_FAILED' ? new JobFailure('DRIFT_CHECK_FAILED', `the drift snapshot failed on the node: ${failure.message}`, failure.retryable, failure.summary) : failure;
  });
  const snapshot = driftBaselineOf(plResult(result)?.snapshot);
  if (!snapshot) throw new JobFailure('DRIFT_CHECK_FAILED', 'site-drift-snapshot.yml returned no snapshot', false);
  ctx.log(`snapshot of ${target.env.name}: ${snapshot.tables.length} tables, ${snapshot.uploads.files} uploads, prefix ${snapshot.prefix ?? '?'}`);
  return snapshot;
}

/**
 * `site.drift-check` (docs/promotion.md): the snapshot a promotion request is decided on, taken while
 * the request waits. Changes nothing anywhere; it has no domain outcome. Summary: {snapshot}.
 */
@Injectable()
export class CheckDriftJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteDriftCheck;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      const target = await this.support.target(ctx);
      return { summary: { snapshot: await takeDriftSnapshot(this.support, target, ctx, 'drift-snapshot') } };
    } catch (err) {
      throw toSiteJobFailure(err);
    }
  }
}
