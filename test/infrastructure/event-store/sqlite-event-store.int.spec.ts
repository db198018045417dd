import { VersionConflict } from '../../../src/domain/common/domain-error';
import type { RowProjection } from '../../../src/application/projections/row-projection';
import { createTestStore, meta, TestStore } from '../../support/test-store';

const nodeRegistered = (nodeId: string) => ({
  type: 'NodeRegistered',
  data: { nodeId, name: `n-${nodeId}`, host: '10.0.0.1', port: 22, user: 'root', hostKeyFingerprint: null },
});

describe('SqliteEventStore (real SQLite file)', () => {
  let s: TestStore;
  beforeEach(() => {
    s = createTestStore();
  });
  afterEach(() => s.cleanup());

  it('appends with the expected version, numbering the stream from 1, and reads it back', () => {
    const result = s.store.append({ streamId: 'node-a', expectedVersion: 0, events: [nodeRegistered('a')], metadata: meta() });
    expect(result).toMatchObject({ streamId: 'node-a', version: 1, duplicate: false, jobs: [] });
    const slice = s.store.readStream('node-a');
    expect(slice.version).toBe(1);
    expect(slice.events[0]).toMatchObject({ streamVersion: 1, globalPosition: 1, type: 'NodeRegistered', schemaVersion: 1, data: { nodeId: 'a' } });
  });

  it('refuses a wrong expected version with a typed conflict and appends nothing', () => {
    s.store.append({ streamId: 'node-a', expectedVersion: 0, events: [nodeRegistered('a')], metadata: meta() });
    expect(() => s.store.append({ streamId: 'node-a', expectedVersion: 0, events: [nodeRegistered('a')], metadata: meta() })).toThrow(VersionConflict);
    expect(s.store.count()).toBe(1);
  });

  it('a repeated command id returns the first result and appends nothing', () => {
    const m = meta();
    const first = s.store.append({ streamId: 'node-a', expectedVersion: 0, events: [nodeRegistered('a')], metadata: m });
    const again = s.store.append({ streamId: 'node-b', expectedVersion: 0, events: [nodeRegistered('b')], metadata: m });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(s.store.count()).toBe(1);
  });

  it.each(['actor', 'correlationId', 'causationId', 'commandId'])('refuses an append without metadata.%s', (field) => {
    const m = { ...meta(), [field]: '' };
    expect(() => s.store.append({ streamId: 'node-a', expectedVersion: 0, events: [nodeRegistered('a')], metadata: m })).toThrow(field);
    expect(s.store.count()).toBe(0);
  });

  it('refuses an event type that is not in the registry', () => {
    expect(() => s.store.append({ streamId: 'node-a', expectedVersion: 0, events: [{ type: 'SomethingHappened', data: {} }], metadata: meta() })).toThrow();
    expect(s.store.count()).toBe(0);
  });

  it('runs inline projections and reactors in the append transaction: a reactor job and its JobQueued event', () => {
    const result = s.store.append({
      streamId: 'node-a',
      expectedVersion: 0,
      events: [nodeRegistered('a'), { type: 'NodeBootstrapRequested', data: { nodeId: 'a' } }],
      metadata: meta(),
    });
    expect(result.jobs).toEqual([{ id: expect.any(String), kind: 'node.bootstrap', created: true }]);
    expect(s.db.prepare('SELECT status FROM rm_nodes WHERE id = ?').pluck().get('a')).toBe('bootstrapping');
    expect(s.queue.get(result.jobs[0].id)).toMatchObject({ state: 'queued', concurrencyKey: 'node:a' });
    const queued = s.store.readStream(`job-${result.jobs[0].id}`).events[0];
    expect(queued).toMatchObject({ type: 'JobQueued', metadata: { causationId: result.events[1].eventId } });
  });

  it('rolls the whole append back when a projection fails: no events, no rows, no jobs', () => {
    const failing: RowProjection = {
      name: 'failing',
      table: 'rm_streams',
      primaryKey: ['stream_id'],
      columns: ['stream_id'],
      handles: (type) => type === 'NodeBootstrapRequested',
      keys: () => [['x']],
      evolve: () => {
        throw new Error('projection bug');
      },
    };
    const t = createTestStore({ projections: [failing] });
    try {
      expect(() =>
        t.store.append({
          streamId: 'node-a',
          expectedVersion: 0,
          events: [nodeRegistered('a'), { type: 'NodeBootstrapRequested', data: { nodeId: 'a' } }],
          metadata: meta(),
        }),
      ).toThrow('projection bug');
      expect(t.store.count()).toBe(0);
      expect(t.db.prepare('SELECT COUNT(*) FROM jobs').pluck().get()).toBe(0);
      expect(t.db.prepare('SELECT COUNT(*) FROM processed_commands').pluck().get()).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it('chains hashes and verify names the first broken link (edited data, deleted event)', async () => {
    for (const id of ['a', 'b', 'c']) s.store.append({ streamId: `node-${id}`, expectedVersion: 0, events: [nodeRegistered(id)], metadata: meta() });
    expect(await s.store.verify()).toEqual({ ok: true, checked: 3 });
    s.db.prepare(`UPDATE events SET metadata = json_set(metadata, '$.actor', 'user:mallory') WHERE global_position = 2`).run();
    expect(await s.store.verify()).toMatchObject({ ok: false, checked: 1, firstBroken: { globalPosition: 2 } });
  });

  it('verify detects a deleted event', async () => {
    for (const id of ['a', 'b', 'c']) s.store.append({ streamId: `node-${id}`, expectedVersion: 0, events: [nodeRegistered(id)], metadata: meta() });
    s.db.prepare('DELETE FROM events WHERE global_position = 2').run();
    expect(await s.store.verify({ chunkSize: 1 })).toMatchObject({ ok: false, firstBroken: { globalPosition: 3, reason: expect.stringContaining('missing') } });
  });

  it('upcasts stored old schema versions on read (SiteCreated v1 -> v2)', () => {
    const v1 = { siteId: 's1', name: 'Old', slug: 'old-site', nodeId: 'n1', domain: 'old.example.com', adminEmail: 'a@example.com', phpVersion: '8.2' };
    s.db
      .prepare(`INSERT INTO events (global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, hash)
                VALUES (1, 'e1', 'site-s1', 1, 'SiteCreated', 1, ?, '{}', '2020-01-01T00:00:00.000Z', 'x')`)
      .run(JSON.stringify(v1));
    const event = s.store.readStream('site-s1').events[0];
    expect(event.data).toMatchObject({ primaryDomain: 'old.example.com', environment: { name: 'production', envSlug: 'old-site', domains: ['old.example.com'] } });
  });

  it('uses synchronous=FULL by default so an acknowledged append is on disk', () => {
    expect(s.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});
