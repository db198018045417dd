import type { CertificateRequestedData } from '../../domain/certificate/certificate.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

/** Serialized with the site's jobs (they edit the vhost the certificate goes into); CA errors are retried with backoff. */
export const enqueueCertificateWhenCertificateRequested = jobReactor<CertificateRequestedData>(
  'enqueue-certificate-when-certificate-requested',
  'CertificateRequested',
  (d) => ({
    kind: JOB_KINDS.siteCertificate,
    payload: { siteId: d.siteId, environment: d.environment, requestId: d.requestId },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.siteCertificate}:${d.requestId}`,
    maxAttempts: 4,
  }),
);
