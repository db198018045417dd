/** What the API, CLI and pages show of an environment's certificate (never a key: there is none on this side). */
export interface CertificateView {
  siteId: string;
  environment: string;
  /** requested: a request is running; issued: the last request installed or kept the certificate; failed: it did not. */
  status: string;
  /** The names of the last request, primary first. */
  domains: string[];
  requestId: string;
  /** operator | renewal | missing | created | domains-changed */
  reason: string;
  requestedAt: string;
  /** The certificate the node serves; null until one is installed (a failed renewal keeps it). */
  certificate: {
    serial: string;
    domains: string[];
    notBefore: string;
    notAfter: string;
    renewAt: string;
    issuedAt: string | null;
  } | null;
  hsts: boolean;
  lastError: { code: string; message: string; domains?: string[] } | null;
  updatedAt: string;
}

export type CertificateRow = {
  site_id: string;
  environment: string;
  status: string;
  domains: string;
  request_id: string;
  reason: string;
  requested_at: string;
  serial: string | null;
  cert_domains: string | null;
  not_before: string | null;
  not_after: string | null;
  renew_at: string | null;
  issued_at: string | null;
  hsts: number;
  last_error: string | null;
  updated_at: string;
};

export function toCertificateView(row: CertificateRow): CertificateView {
  return {
    siteId: row.site_id,
    environment: row.environment,
    status: row.status,
    domains: JSON.parse(row.domains) as string[],
    requestId: row.request_id,
    reason: row.reason,
    requestedAt: row.requested_at,
    certificate:
      row.serial && row.not_after
        ? {
            serial: row.serial,
            domains: JSON.parse(row.cert_domains ?? '[]') as string[],
            notBefore: row.not_before ?? '',
            notAfter: row.not_after,
            renewAt: row.renew_at ?? '',
            issuedAt: row.issued_at,
          }
        : null,
    hsts: row.hsts === 1,
    lastError: row.last_error ? JSON.parse(row.last_error) : null,
    updatedAt: row.updated_at,
  };
}
