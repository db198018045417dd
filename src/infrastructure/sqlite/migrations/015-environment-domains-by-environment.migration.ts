// Migration 015: rm_environment_domains by (site, environment). Its triggers remove an environment's
// domains by site and environment on every delete and domain change; the primary key starts with the
// domain, so each such removal scanned the whole table: a rebuild's DELETE FROM rm_environments at
// 10,000 sites took 1.4 s, O(n²), and a domain change at that size read every domain of every site.
export const sql = `
CREATE INDEX rm_environment_domains_by_environment ON rm_environment_domains (site_id, environment);
`;
