import type { SqlReader } from '../../ports/sql-reader.port';

/**
 * Whether a domain is served by a site that is not deleted (as primary or alias of any environment),
 * other than `exceptSiteId`. A domain is served by one site only.
 */
export function domainInUse(sql: SqlReader, domain: string, exceptSiteId?: string): boolean {
  const row = sql.get(
    `SELECT 1 FROM rm_environment_domains d JOIN rm_sites s ON s.id = d.site_id
     WHERE d.domain = ? AND s.state <> 'DELETED' AND d.site_id <> ? LIMIT 1`,
    [domain, exceptSiteId ?? ''],
  );
  return row !== undefined;
}
