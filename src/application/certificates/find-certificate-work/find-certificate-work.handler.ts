import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { CertificateRequestReason } from '../../../domain/certificate/certificate.events';
import { SITE_STATES_WITHOUT_CERTIFICATES } from '../../../domain/certificate/certificate.rules';
import { SqlReader } from '../../ports/sql-reader.port';
import { FindCertificateWorkQuery } from './find-certificate-work.query';

export interface CertificateWork {
  readonly siteId: string;
  readonly environment: string;
  readonly reason: CertificateRequestReason;
}

/** A renewal that failed (after the job's own retries) is asked for again this much later, not every round. */
export const FAILED_RENEWAL_RETRY_MS = 6 * 3_600_000;

type Row = {
  site_id: string;
  name: string;
  site_state: string;
  env_domains: string;
  status: string | null;
  requested_domains: string | null;
  serial: string | null;
  renew_at: string | null;
  updated_at: string | null;
};

/**
 * What the certificate scheduler asks for, one request per environment at most (none while one runs):
 * - `renewal`: the served certificate's renewAt (its share of the lifetime, PRESSLUFT_CERT_RENEW_SHARE) has
 *   passed; any site state that has a vhost. A failed renewal is asked for again after FAILED_RENEWAL_RETRY_MS.
 * - `missing`: an ACTIVE site's environment has never had a request (a new site gets its certificate).
 * - `domains-changed`: an ACTIVE site's environment has other names than its last request (after a domain change).
 * A first issuance that failed is not repeated on its own (a name that points elsewhere stays so until
 * someone fixes its DNS): the operator issues again.
 */
@QueryHandler(FindCertificateWorkQuery)
export class FindCertificateWorkHandler implements IQueryHandler<FindCertificateWorkQuery, CertificateWork[]> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: FindCertificateWorkQuery): Promise<CertificateWork[]> {
    const now = Date.parse(q.now);
    const rows = this.sql.all<Row>(
      `SELECT e.site_id, e.name, s.state AS site_state, e.domains AS env_domains, c.status, c.domains AS requested_domains, c.serial, c.renew_at, c.updated_at
         FROM rm_environments e JOIN rm_sites s ON s.id = e.site_id
         LEFT JOIN rm_certificates c ON c.site_id = e.site_id AND c.environment = e.name
        ORDER BY e.site_id, e.name`,
    );
    const work: CertificateWork[] = [];
    for (const row of rows) {
      const reason = reasonFor(row, now);
      if (reason) work.push({ siteId: row.site_id, environment: row.name, reason });
    }
    return work;
  }
}

function reasonFor(row: Row, now: number): CertificateRequestReason | null {
  if (SITE_STATES_WITHOUT_CERTIFICATES.includes(row.site_state) || row.status === 'requested') return null;
  const active = row.site_state === 'ACTIVE';
  if (row.status === null) return active ? 'missing' : null;
  if (active && row.requested_domains !== row.env_domains) return 'domains-changed';
  if (!row.serial || !row.renew_at || Date.parse(row.renew_at) > now) return null;
  if (row.status === 'failed' && row.updated_at && now - Date.parse(row.updated_at) < FAILED_RENEWAL_RETRY_MS) return null;
  return 'renewal';
}
