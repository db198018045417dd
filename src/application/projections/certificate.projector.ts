import type {
  CertificateFailedData,
  CertificateIssuedData,
  CertificateKeptData,
  CertificateRequestedData,
} from '../../domain/certificate/certificate.events';
import type { SiteDeletedData } from '../../domain/site/site.events';
import type { CertificateRow } from '../certificates/certificate.view';
import type { RecordedEvent } from '../ports/event-store.port';
import type { RowProjection } from './row-projection';

const HANDLED = new Set(['CertificateRequested', 'CertificateIssued', 'CertificateKept', 'CertificateFailed', 'SiteDeleted']);

/** rm_certificates: one row per site environment that ever had a certificate request (status, the served certificate, expiry). */
export const certificateProjection: RowProjection<CertificateRow> = {
  name: 'certificates',
  table: 'rm_certificates',
  primaryKey: ['site_id', 'environment'],
  columns: [
    'site_id',
    'environment',
    'status',
    'domains',
    'request_id',
    'reason',
    'requested_at',
    'serial',
    'cert_domains',
    'not_before',
    'not_after',
    'renew_at',
    'issued_at',
    'hsts',
    'last_error',
    'updated_at',
  ],
  handles: (type) => HANDLED.has(type),
  keys: (event: RecordedEvent) => {
    if (event.type === 'SiteDeleted') {
      const d = event.data as SiteDeletedData;
      return d.environments.map((name) => [d.siteId, name]);
    }
    const d = event.data as { siteId: string; environment: string };
    return [[d.siteId, d.environment]];
  },
  evolve: (row, event) => {
    const at = event.recordedAt;
    switch (event.type) {
      case 'CertificateRequested': {
        const d = event.data as CertificateRequestedData;
        return {
          site_id: d.siteId,
          environment: d.environment,
          serial: null,
          cert_domains: null,
          not_before: null,
          not_after: null,
          renew_at: null,
          issued_at: null,
          hsts: 0,
          last_error: null,
          ...row,
          status: 'requested',
          domains: JSON.stringify(d.domains),
          request_id: d.requestId,
          reason: d.reason,
          requested_at: at,
          updated_at: at,
        };
      }
      case 'CertificateIssued':
      case 'CertificateKept': {
        if (!row) return null;
        const d = event.data as CertificateIssuedData | CertificateKeptData;
        return {
          ...row,
          status: 'issued',
          serial: d.serial,
          cert_domains: JSON.stringify(d.domains),
          not_before: d.notBefore,
          not_after: d.notAfter,
          renew_at: d.renewAt,
          issued_at: event.type === 'CertificateIssued' || row.serial !== d.serial ? at : row.issued_at,
          hsts: d.hsts ? 1 : 0,
          last_error: null,
          updated_at: at,
        };
      }
      case 'CertificateFailed': {
        if (!row) return null;
        const d = event.data as CertificateFailedData;
        return { ...row, status: 'failed', last_error: JSON.stringify({ ...d.error, domains: d.domains }), updated_at: at };
      }
      default:
        return null; // SiteDeleted: the node removed the environment's certificates
    }
  },
};
