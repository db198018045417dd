import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { plResult, SiteJobSupport, toSiteJobFailure } from '../site-jobs/site-job-support';

export interface SiteHealth {
  readonly environment: string;
  readonly healthy: boolean;
  readonly httpStatus: number | null;
  readonly dbOk: boolean | null;
  readonly reason: string;
}

/** site-health.yml (read-only): HTTP through the node's Nginx for the primary domain, and the database. */
export async function checkSiteHealth(support: SiteJobSupport, ctx: JobContext): Promise<SiteHealth> {
  const target = await support.target(ctx);
  support.secretsFor(ctx, target);
  const result = await support.run(target, 'site-health', { ...support.baseVars(target), primary_domain: target.env.domains[0] }, ctx, 'site-health');
  const out = plResult(result) ?? {};
  const httpStatus = typeof out.http_status === 'number' ? out.http_status : Number(out.http_status) || null;
  const dbOk = typeof out.db_ok === 'boolean' ? out.db_ok : null;
  const healthy = httpStatus === 200 && dbOk === true;
  const reason = healthy ? `HTTP 200 from http://${target.env.domains[0]}/, database reachable` : `HTTP ${httpStatus ?? 'none'}, database ${dbOk ? 'reachable' : 'not reachable'}`;
  ctx.log(`health of ${target.env.name}: ${reason}`);
  return { environment: target.env.name, healthy, httpStatus, dbOk, reason };
}

/**
 * `site.health-check` (periodic, per environment): the outcome records EnvironmentHealthChanged only
 * when the status changes. A check that cannot run (node unreachable) counts as unhealthy.
 * Summary: SiteHealth.
 */
@Injectable()
export class CheckSiteHealthJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteHealthCheck;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      return { summary: { ...(await checkSiteHealth(this.support, ctx)) } };
    } catch (err) {
      throw toSiteJobFailure(err);
    }
  }
}

/**
 * `site.reset`: an operator's way out of FAILED. The site goes back to ACTIVE only when the health
 * check passes; a failing check fails the job (SITE_UNHEALTHY, final) and the site stays FAILED.
 */
@Injectable()
export class ResetSiteJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteReset;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    let health: SiteHealth;
    try {
      health = await checkSiteHealth(this.support, ctx);
    } catch (err) {
      throw toSiteJobFailure(err);
    }
    if (!health.healthy) throw new JobFailure('SITE_UNHEALTHY', `the health check did not pass (${health.reason}); the site stays FAILED`, false, { ...health });
    return { summary: { ...health } };
  }
}
