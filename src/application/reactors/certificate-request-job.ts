import type { JobRequest, RecordedEvent } from '../ports/event-store.port';
import { JOB_KINDS } from '../jobs/job-kinds';

/**
 * The job of an automatic certificate request: it only records the request (no concurrency key, so it
 * never waits behind or delays a site job; the certificate job it causes shares the site's key). One job
 * per causing event (dedup key).
 */
export const certificateRequestJob =
  (reason: 'created' | 'domains-changed') =>
  (d: { siteId: string; environment: string }, event: RecordedEvent): JobRequest => ({
    kind: JOB_KINDS.siteCertificateRequest,
    payload: { siteId: d.siteId, environment: d.environment, reason, causationId: event.eventId },
    siteId: d.siteId,
    dedupKey: `${JOB_KINDS.siteCertificateRequest}:${event.eventId}`,
  });
