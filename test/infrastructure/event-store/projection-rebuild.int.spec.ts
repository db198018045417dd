import { ALL_PROJECTIONS } from '../../../src/application/projections/all-projections';
import { rebuildProjections } from '../../../src/infrastructure/event-store/projection-rebuilder';
import { buildSiteHistory } from '../../support/site-history';
import { startTestApp, TestApp } from '../../support/test-app';
import { scriptedDeletionHandler } from '../../support/scripted-deletion';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('projections rebuild', () => {
  let t: TestApp;
  const handlers = { provision: new ScriptedHandler('site.provision'), deploy: new ScriptedHandler('site.deploy'), remove: scriptedDeletionHandler(() => t) };

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [handlers.provision, handlers.deploy, handlers.remove] });
    await buildSiteHistory(t, handlers);
  }, 120_000);
  afterAll(() => t.close());

  const snapshot = () =>
    Object.fromEntries(
      ALL_PROJECTIONS.map((p) => [p.table, t.db.prepare(`SELECT * FROM ${p.table} ORDER BY ${p.primaryKey.join(', ')}`).all()]),
    );

  it('replaying the log produces exactly the rows the inline projections wrote, row by row', () => {
    const before = snapshot();
    expect((before.rm_sites as unknown[]).length).toBe(7);
    expect((before.rm_jobs as unknown[]).length).toBeGreaterThan(10);
    const report = rebuildProjections(t.db, ALL_PROJECTIONS);
    expect(report.events).toBe(t.eventCount());
    const after = snapshot();
    for (const table of Object.keys(before)) expect([table, after[table]]).toEqual([table, before[table]]);
  });

  it('pages of the scan and batches of the inserts split anywhere without changing a row', () => {
    const before = snapshot();
    for (const tuning of [{ scanPage: 1, insertBatch: 1 }, { scanPage: 7, insertBatch: 5 }, { scanPage: 50, insertBatch: 3 }]) {
      const report = rebuildProjections(t.db, ALL_PROJECTIONS, tuning);
      expect(report.events).toBe(t.eventCount());
      expect([tuning, snapshot()]).toEqual([tuning, before]);
    }
  });

  it('a projection that asks for event ids and metadata gets the stored ones', () => {
    const stored = t.db.prepare('SELECT event_id, metadata FROM events ORDER BY global_position').all() as { event_id: string; metadata: string }[];
    const seen: { eventId: string; metadata: object }[] = [];
    // A probe that records what it is given and writes no row (its table is rebuilt properly after).
    rebuildProjections(t.db, [
      {
        name: 'probe',
        table: 'rm_api_tokens',
        primaryKey: ['id'],
        columns: ['id'],
        handles: () => true,
        keys: (event) => (seen.push({ eventId: event.eventId, metadata: event.metadata }), []),
        evolve: () => null,
      },
    ]);
    expect(seen).toEqual(stored.map((e) => ({ eventId: e.event_id, metadata: JSON.parse(e.metadata) })));
    rebuildProjections(t.db, ALL_PROJECTIONS);
  });

  it('rebuilds from a wiped read model (a lost or corrupted table comes back)', () => {
    const before = snapshot();
    for (const p of ALL_PROJECTIONS) t.db.prepare(`DELETE FROM ${p.table}`).run();
    t.db.prepare(`INSERT INTO rm_sites (id, name, slug, state, node_id, primary_domain, version, created_at, updated_at)
                  VALUES ('junk', 'x', 'x', 'ACTIVE', 'n', 'x.example.com', 1, 'x', 'x')`).run();
    rebuildProjections(t.db, ALL_PROJECTIONS);
    expect(snapshot()).toEqual(before);
  });
});
