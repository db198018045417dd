/**
 * rm_environment_domains (migration 008) is the index behind "is this domain taken?": its triggers
 * must keep it equal to the domains of rm_environments through every way that table changes —
 * inline projection inserts and upserts, deletes, and a full projection rebuild.
 */
import { ALL_PROJECTIONS } from '../../../src/application/projections/all-projections';
import { domainInUse } from '../../../src/application/sites/site-jobs/domain-in-use';
import { rebuildProjections } from '../../../src/infrastructure/event-store/projection-rebuilder';
import { SqliteSqlReader } from '../../../src/infrastructure/sqlite/sqlite-sql-reader';
import { createTestStore, meta, TestStore } from '../../support/test-store';

type Row = { domain: string; site_id: string; environment: string };

describe('rm_environment_domains follows rm_environments.domains', () => {
  let s: TestStore;
  beforeEach(() => {
    s = createTestStore({ reactors: [] });
  });
  afterEach(() => s.cleanup());

  const indexed = () => s.db.prepare('SELECT domain, site_id, environment FROM rm_environment_domains ORDER BY domain, site_id').all() as Row[];
  const fromEnvironments = () =>
    s.db
      .prepare('SELECT d.value AS domain, e.site_id, e.name AS environment FROM rm_environments e, json_each(e.domains) d ORDER BY domain, e.site_id')
      .all() as Row[];
  const created = (siteId: string, domains: string[]) => ({
    type: 'SiteCreated',
    schemaVersion: 2,
    data: {
      siteId,
      name: siteId,
      slug: siteId,
      nodeId: 'node-1',
      primaryDomain: domains[0],
      adminEmail: 'a@example.com',
      phpVersion: '8.2',
      environment: { name: 'production', envSlug: siteId, nodeId: 'node-1', domains, phpVersion: '8.2' },
    },
  });
  const append = (siteId: string, version: number, event: { type: string; schemaVersion?: number; data: unknown }) =>
    s.store.append({ streamId: `site-${siteId}`, expectedVersion: version, events: [event as never], metadata: meta() });
  const taken = (domain: string, except?: string) => domainInUse(new SqliteSqlReader(s.db), domain, except);

  it('given sites created, their domains changed and one deleted, when the read models are rebuilt, then the index equals the environments throughout', () => {
    append('a', 0, created('a', ['a.example.com', 'www.a.example.com']));
    append('b', 0, created('b', ['b.example.com']));
    for (const id of ['a', 'b']) append(id, 1, { type: 'SiteProvisioned', data: { siteId: id, environment: 'production', releaseId: null } });
    expect(indexed()).toEqual([
      { domain: 'a.example.com', site_id: 'a', environment: 'production' },
      { domain: 'b.example.com', site_id: 'b', environment: 'production' },
      { domain: 'www.a.example.com', site_id: 'a', environment: 'production' },
    ]);
    expect([taken('www.a.example.com'), taken('www.a.example.com', 'a'), taken('c.example.com')]).toEqual([true, false, false]);

    const change = { siteId: 'a', environment: 'production', changeId: 'c1', primary: 'new-a.example.com', aliases: ['a.example.com'] };
    append('a', 2, { type: 'DomainsChangeRequested', data: { ...change, previousPrimary: 'a.example.com' } });
    append('a', 3, { type: 'DomainsChanged', data: change });
    expect(indexed()).toEqual(fromEnvironments());
    expect([taken('www.a.example.com'), taken('new-a.example.com'), taken('a.example.com')]).toEqual([false, true, true]);

    append('b', 2, { type: 'SiteDeletionRequested', data: { siteId: 'b', environments: ['production'] } });
    expect(taken('b.example.com')).toBe(true); // held until the site is gone from its node
    append('b', 3, { type: 'SiteDeleted', data: { siteId: 'b', environments: ['production'] } });
    expect(indexed()).toEqual(fromEnvironments());
    expect(taken('b.example.com')).toBe(false);

    const before = indexed();
    expect(before.map((r) => r.domain)).toEqual(['a.example.com', 'new-a.example.com']);
    rebuildProjections(s.db, ALL_PROJECTIONS);
    expect(indexed()).toEqual(before);
    expect(indexed()).toEqual(fromEnvironments());
  });

  it('the lookup uses the index, not a scan of the environments', () => {
    const plan = s.db
      .prepare(`EXPLAIN QUERY PLAN SELECT 1 FROM rm_environment_domains d JOIN rm_sites s ON s.id = d.site_id WHERE d.domain = ? AND s.state <> 'DELETED' AND d.site_id <> ? LIMIT 1`)
      .all('x.example.com', '') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/SEARCH d USING PRIMARY KEY \(domain=\?\)/);
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/SCAN/);
  });

  it("the triggers remove an environment's domains through an index, not a scan of every domain (migration 015)", () => {
    // The statement the after-delete and after-update triggers run; a scan here made a rebuild's
    // DELETE FROM rm_environments O(n²) (1.4 s at 10,000 sites) and every domain change read the whole table.
    const plan = s.db
      .prepare('EXPLAIN QUERY PLAN DELETE FROM rm_environment_domains WHERE site_id = ? AND environment = ?')
      .all('a', 'production') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/SEARCH rm_environment_domains USING (COVERING )?INDEX rm_environment_domains_by_environment \(site_id=\? AND environment=\?\)/);
  });
});
