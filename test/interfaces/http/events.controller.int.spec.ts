import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../../support/test-app';

describe('events API', () => {
  let t: TestApp;
  let nodeId: string;
  beforeAll(async () => {
    t = await startTestApp();
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'ev', host: '10.0.0.1' }, { 'X-Correlation-Id': 'corr-node' })).body.node.id;
    await t.request('POST', '/api/v1/sites', { name: 'Ev Site', nodeId, domain: 'ev.example.com', adminEmail: 'a@example.com' }, { 'X-Correlation-Id': 'corr-site' });
  });
  afterAll(() => t.close());

  it('lists events in global order with every field of the contract', async () => {
    const res = await t.request('GET', '/api/v1/events?limit=100');
    expect(res.status).toBe(200);
    // startTestApp's admin and API token come first.
    expect(res.body.items.map((e: { type: string }) => e.type)).toEqual(['UserCreated', 'ApiTokenCreated', 'NodeRegistered', 'NodeBootstrapRequested', 'JobQueued', 'SiteCreated', 'JobQueued']);
    expect(Object.keys(res.body.items[0]).sort()).toEqual(
      ['globalPosition', 'eventId', 'streamId', 'streamVersion', 'type', 'schemaVersion', 'data', 'metadata', 'recordedAt', 'hash'].sort(),
    );
    expect(res.body.next).toBeNull();
  });

  it('filters by stream, type, actor, correlation id and time, and pages with after/next', async () => {
    const byStream = await t.request('GET', `/api/v1/events?stream=node-${nodeId}`);
    expect(byStream.body.items.map((e: { type: string }) => e.type)).toEqual(['NodeRegistered', 'NodeBootstrapRequested']);
    const byType = await t.request('GET', '/api/v1/events?type=JobQueued');
    expect(byType.body.items).toHaveLength(2);
    const byActor = await t.request('GET', `/api/v1/events?actor=${t.token.actor}`);
    expect(byActor.body.items).toHaveLength(5);
    const byCorrelation = await t.request('GET', '/api/v1/events?correlationId=corr-site');
    expect(byCorrelation.body.items.map((e: { type: string }) => e.type)).toEqual(['SiteCreated', 'JobQueued']);
    const future = await t.request('GET', '/api/v1/events?from=2999-01-01T00:00:00Z');
    expect(future.body.items).toEqual([]);
    const past = await t.request('GET', '/api/v1/events?to=2000-01-01T00:00:00Z');
    expect(past.body.items).toEqual([]);
    const page1 = await t.request('GET', '/api/v1/events?limit=2');
    expect(page1.body.items).toHaveLength(2);
    const page2 = await t.request('GET', `/api/v1/events?limit=2&after=${page1.body.next}`);
    expect(page2.body.items[0].globalPosition).toBe(3);
    expect(page2.body.items[0].globalPosition).toBe(page1.body.next + 1);
  });

  it('the JobQueued event names the event that caused it and shares its correlation id', async () => {
    const items = (await t.request('GET', '/api/v1/events?correlationId=corr-site')).body.items;
    expect(items[1].metadata).toMatchObject({ causationId: items[0].eventId, correlationId: 'corr-site', actor: items[0].metadata.actor });
  });

  it('verifies the hash chain, and names the first broken event after tampering', async () => {
    expect((await t.request('GET', '/api/v1/events/verify')).body).toEqual({ ok: true, checked: 7 });
    t.db.prepare(`UPDATE events SET data = json_set(data, '$.host', '10.6.6.6') WHERE global_position = 1`).run();
    const broken = await t.request('GET', '/api/v1/events/verify');
    expect(broken.body).toEqual({ ok: false, checked: 0, firstBroken: { globalPosition: 1, eventId: expect.any(String), reason: expect.any(String) } });
  });

  it('bad filters are 400 and an unknown stream is 404', async () => {
    for (const query of ['limit=0', 'limit=5000', 'after=-1', 'from=yesterday', 'type=rm%20-rf', 'stream=../etc', 'actor=a%20b', 'x=1']) {
      const res = await t.request('GET', `/api/v1/events?${query}`);
      expect([query, res.status, res.body.code]).toEqual([query, 400, expect.stringMatching(/VALIDATION_FAILED|UNKNOWN_FIELD/)]);
    }
    expect((await t.request('GET', '/api/v1/events/streams/site-nosuchsite')).status).toBe(404);
    expect((await t.request('GET', `/api/v1/events/streams/node-${nodeId}`)).body.version).toBe(2);
  });

  it('serves /healthz, Prometheus /metrics and the OpenAPI document', async () => {
    expect((await t.request('GET', '/healthz')).body).toMatchObject({ status: 'ok' });
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.body).toMatch(/^pressluft_events_appended_total \d+$/m);
    const version = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
    expect(metrics.body).toContain(`pressluft_build_info{version="${version}",node="${process.version}"} 1\n`);
    expect(metrics.body).toMatch(/^pressluft_jobs\{state="queued",kind="[a-z.-]+"\} \d+$/m);
    expect(metrics.body).toMatch(/^pressluft_http_request_duration_seconds_count\{method="GET",route="[^"]+",status="2xx"\} \d+$/m);
    const doc = await t.request('GET', '/api/docs');
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/sites', '/api/v1/sites/{id}', '/api/v1/nodes', '/api/v1/jobs/{id}/cancel', '/api/v1/events', '/api/v1/events/verify']),
    );
  });
});
