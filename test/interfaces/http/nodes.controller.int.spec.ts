import { startTestApp, TestApp } from '../../support/test-app';

describe('nodes API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('registers a node: 202 with the node and its bootstrap job; GET shows it with an ETag', async () => {
    const res = await t.request('POST', '/api/v1/nodes', { name: 'Web-A', host: 'web-a.example.com', port: 2222, user: 'admin' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      node: { id: expect.any(String), name: 'web-a', status: 'bootstrapping', hostKeyFingerprint: null, version: 2 },
      job: { id: expect.any(String), kind: 'node.bootstrap' },
    });
    const node = await t.request('GET', `/api/v1/nodes/${res.body.node.id}`);
    expect(node.headers.get('etag')).toBe('"2"');
    expect(node.body).toMatchObject({ host: 'web-a.example.com', port: 2222, user: 'admin', status: 'bootstrapping', facts: {} });
    const list = await t.request('GET', '/api/v1/nodes?status=bootstrapping');
    expect(list.body.items.map((n: { id: string }) => n.id)).toContain(res.body.node.id);
    const history = await t.request('GET', `/api/v1/nodes/${res.body.node.id}/events`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['NodeRegistered', 'NodeBootstrapRequested']);
  });

  it('pins a host key given at registration', async () => {
    const fingerprint = 'SHA256:' + 'A'.repeat(43);
    const res = await t.request('POST', '/api/v1/nodes', { name: 'pinned', host: '10.254.9.2', hostKeyFingerprint: fingerprint });
    expect(res.body.node.hostKeyFingerprint).toBe(fingerprint);
  });

  const bad: [string, unknown, number, string][] = [
    ['a host with a shell metacharacter', { name: 'n1', host: 'a;reboot' }, 400, 'VALIDATION_FAILED'],
    ['a host with a command substitution', { name: 'n1', host: '$(id)' }, 400, 'VALIDATION_FAILED'],
    ['a host with a space', { name: 'n1', host: 'a b.example.com' }, 400, 'VALIDATION_FAILED'],
    ['an IPv4 with an octet over 255', { name: 'n1', host: '10.0.0.256' }, 400, 'VALIDATION_FAILED'],
    ['a port out of range', { name: 'n1', host: '10.0.0.1', port: 70000 }, 400, 'VALIDATION_FAILED'],
    ['a user with a quote', { name: 'n1', host: '10.0.0.1', user: "ro'ot" }, 400, 'VALIDATION_FAILED'],
    ['a name with a slash', { name: '../n1', host: '10.0.0.1' }, 400, 'VALIDATION_FAILED'],
    ['a bad fingerprint', { name: 'n1', host: '10.0.0.1', hostKeyFingerprint: 'MD5:aa' }, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { name: 'n1', host: '10.0.0.1', password: 'hunter2' }, 400, 'UNKNOWN_FIELD'],
    ['no body', undefined, 400, 'VALIDATION_FAILED'],
    ['malformed JSON', '{', 400, 'MALFORMED_JSON'],
  ];
  it.each(bad)('POST /nodes with %s: clear error, nothing appended', async (_label, body, status, code) => {
    const before = t.eventCount();
    const res = await t.request('POST', '/api/v1/nodes', body);
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(res.body.message).toEqual(expect.any(String));
    expect(t.eventCount()).toBe(before);
  });

  it('refuses a second node with the same name (409) and unknown or invalid ids (404/400)', async () => {
    await t.request('POST', '/api/v1/nodes', { name: 'twin', host: '10.0.0.5' });
    const before = t.eventCount();
    const twin = await t.request('POST', '/api/v1/nodes', { name: 'TWIN', host: '10.0.0.6' });
    expect([twin.status, twin.body.code]).toEqual([409, 'DUPLICATE']);
    expect((await t.request('GET', '/api/v1/nodes/nosuchnode')).status).toBe(404);
    expect((await t.request('GET', '/api/v1/nodes/NOT-AN-ID')).status).toBe(400);
    expect((await t.request('POST', '/api/v1/nodes/nosuchnode/bootstrap')).status).toBe(404);
    expect((await t.request('GET', '/api/v1/nodes?status=asleep')).status).toBe(400);
    expect(t.eventCount()).toBe(before);
  });

  it('refuses a bootstrap while one is already running (409), appending nothing', async () => {
    const res = await t.request('POST', '/api/v1/nodes', { name: 'busy', host: '10.0.0.7' });
    const before = t.eventCount();
    const again = await t.request('POST', `/api/v1/nodes/${res.body.node.id}/bootstrap`);
    expect(again.status).toBe(409);
    expect(t.eventCount()).toBe(before);
  });
});
