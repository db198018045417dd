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
