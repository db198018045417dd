import type { JobRequest } from '../../ports/event-store.port';
import { JOB_KINDS, siteConcurrencyKey } from '../../jobs/job-kinds';

/** One periodic health check per environment at a time (dedup key), serialized with the site's mutations. */
export function siteHealthCheckJobRequest(siteId: string, environment: string): JobRequest {
  return {
    kind: JOB_KINDS.siteHealthCheck,
    payload: { siteId, environment },
    siteId,
    concurrencyKey: siteConcurrencyKey(siteId),
    dedupKey: `${JOB_KINDS.siteHealthCheck}:${siteId}:${environment}`,
    maxAttempts: 1,
  };
}

/** The drift snapshot a promotion request waits for; serialized with the site's mutations, tried once. */
export function siteDriftCheckJobRequest(siteId: string, environment: string): JobRequest {
  return {
    kind: JOB_KINDS.siteDriftCheck,
    payload: { siteId, environment },
    siteId,
    concurrencyKey: siteConcurrencyKey(siteId),
    maxAttempts: 1,
  };
}
