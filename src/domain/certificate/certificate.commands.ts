import type { CertificateError, CertificateFacts, CertificateRequestReason } from './certificate.events';

/** The environment as the handler looked it up in the site's read model (null: no such site or environment). */
export interface CertificateTarget {
  /** The site's lifecycle state (ACTIVE, PROVISIONING, …). */
  readonly siteState: string;
  /** Primary domain first, then the aliases. */
  readonly domains: readonly string[];
}

export interface RequestCertificate {
  readonly type: 'RequestCertificate';
  readonly siteId: string;
  readonly environment: string;
  readonly requestId: string;
  readonly target: CertificateTarget | null;
  /** Whether an ACME account e-mail is configured (PRESSLUFT_ACME_EMAIL). */
  readonly acmeConfigured: boolean;
  readonly force?: boolean;
  /** Absent: keep the environment's current HSTS choice (off at first). */
  readonly hsts?: boolean;
  readonly reason: CertificateRequestReason;
  /**
   * A failed request asked for again (a retry of its site.certificate job): it must still be the
   * environment's last request, and its force and HSTS choices carry over. The names are today's.
   */
  readonly retryOf?: string;
}
export interface CompleteCertificate {
  readonly type: 'CompleteCertificate';
  readonly siteId: string;
  readonly environment: string;
  readonly requestId: string;
  /** true: a new certificate was installed; false: the node kept the one it had. */
  readonly renewed: boolean;
  readonly certificate: CertificateFacts;
  readonly hsts: boolean;
}
export interface FailCertificate {
  readonly type: 'FailCertificate';
  readonly siteId: string;
  readonly environment: string;
  readonly requestId: string;
  readonly error: CertificateError;
  readonly domains?: readonly string[];
}

export type CertificateCommand = RequestCertificate | CompleteCertificate | FailCertificate;
