import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../domain/common/domain-error';
import { parseEnvironmentName } from '../../../domain/common/value-objects';
import { SqlReader } from '../../ports/sql-reader.port';
import { CertificateRow, CertificateView, toCertificateView } from '../certificate.view';
import { ListCertificatesQuery } from './list-certificates.query';

@QueryHandler(ListCertificatesQuery)
export class ListCertificatesHandler implements IQueryHandler<ListCertificatesQuery, CertificateView[]> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: ListCertificatesQuery): Promise<CertificateView[]> {
    if (q.environment === undefined) {
      if (!this.sql.get('SELECT 1 FROM rm_sites WHERE id = ?', [q.siteId])) throw new NotFound('site', q.siteId);
      return this.sql.all<CertificateRow>('SELECT * FROM rm_certificates WHERE site_id = ? ORDER BY environment', [q.siteId]).map(toCertificateView);
    }
    const environment = parseEnvironmentName(q.environment);
    if (!this.sql.get('SELECT 1 FROM rm_environments WHERE site_id = ? AND name = ?', [q.siteId, environment])) {
      throw new NotFound('environment', `${q.siteId}/${environment}`);
    }
    return this.sql.all<CertificateRow>('SELECT * FROM rm_certificates WHERE site_id = ? AND environment = ?', [q.siteId, environment]).map(toCertificateView);
  }
}
