import { DomainEvent } from '../common/domain-event';

/**
 * Events of the `certificate-<siteId>` stream: the HTTPS certificates of a site's environments. A
 * stream of its own, apart from the site's: certificate work never changes the site's lifecycle state,
 * and a renewal never conflicts with an edit of the site. Type strings are stable.
 */

export function certificateStreamId(siteId: string): string {
  return `certificate-${siteId}`;
}

/**
 * Why a certificate was asked for: an operator, the renewal scheduler, a missing/outdated certificate
 * found by the scheduler, or right after the site was provisioned (`created`) or its names changed.
 */
export type CertificateRequestReason = 'operator' | 'renewal' | 'missing' | 'created' | 'domains-changed';

/** Reasons the control plane asks for on its own when an environment has no request for its current names. */
export const AUTOMATIC_CERTIFICATE_REASONS: readonly CertificateRequestReason[] = ['missing', 'created', 'domains-changed'];

export interface CertificateError {
  readonly code: string;
  readonly message: string;
}

/** The facts of an installed certificate, as the node read them from the certificate itself. Never a key. */
export interface CertificateFacts {
  readonly serial: string;
  /** subjectAltName DNS names, sorted. */
  readonly domains: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  /** When the node's share of the lifetime has passed and the certificate is due for renewal. */
  readonly renewAt: string;
}

export interface CertificateRequestedData {
  readonly siteId: string;
  readonly environment: string;
  readonly requestId: string;
  /** Primary domain first, then the aliases. */
  readonly domains: readonly string[];
  /** Ask the CA for a new certificate even when the installed one is still good. */
  readonly force: boolean;
  readonly hsts: boolean;
  readonly reason: CertificateRequestReason;
}
/** A new certificate was issued and installed (the node serves it). */
export interface CertificateIssuedData extends CertificateFacts {
  readonly siteId: string;
  readonly environment: string;
  readonly requestId: string;
  readonly hsts: boolean;
}
/** The node kept its installed certificate (still good for these names and not due); HSTS is as asked. */
export interface CertificateKeptData extends CertificateFacts {
  readonly siteId: string;
  readonly environment: string;
  readonly requestId: string;
  readonly hsts: boolean;
}
/** The request failed; whatever the node served before (a certificate or plain HTTP) it still serves. */
export interface CertificateFailedData {
  readonly siteId: string;
  readonly environment: string;
  readonly requestId: string;
  readonly error: CertificateError;
  /** The names the failure is about (all requested names unless the CA named some). */
  readonly domains: readonly string[];
}

export type CertificateRequested = DomainEvent<'CertificateRequested', CertificateRequestedData>;
export type CertificateIssued = DomainEvent<'CertificateIssued', CertificateIssuedData>;
export type CertificateKept = DomainEvent<'CertificateKept', CertificateKeptData>;
export type CertificateFailed = DomainEvent<'CertificateFailed', CertificateFailedData>;

export type CertificateEvent = CertificateRequested | CertificateIssued | CertificateKept | CertificateFailed;

export const CERTIFICATE_EVENT_TYPES = [
  'CertificateRequested',
  'CertificateIssued',
  'CertificateKept',
  'CertificateFailed',
] as const satisfies readonly CertificateEvent['type'][];
