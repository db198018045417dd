/**
 * Host keys over the API against a real sshd on 127.0.0.1: registration scans and pins the key,
 * an unreachable node is refused with 502 and nothing appended, an operator re-pins, and the control
 * plane's public key is served. No job handlers: the queued bootstrap never runs here.
 */
import { freePort, LocalSshd, startLocalSshd, TEST_SSH_USER } from '../../support/local-sshd';
import { startTestApp, TestApp } from '../../support/test-app';

describe('node host keys (real sshd on loopback)', () => {
  let t: TestApp;
  let sshd: LocalSshd;
  let publicKey: string;

  beforeAll(async () => {
    t = await startTestApp({ remote: true });
    const key = await t.request('GET', '/api/v1/ssh/public-key');
    expect(key.status).toBe(200);
    publicKey = key.body.publicKey;
    sshd = await startLocalSshd([publicKey]);
  });
  afterAll(async () => {
    await sshd?.stop();
    await t?.close();
  });

  it('serves the control plane public key and its fingerprint', async () => {
    const res = await t.request('GET', '/api/v1/ssh/public-key');
    expect(res.body).toEqual({ publicKey: expect.stringMatching(/^ssh-ed25519 AAAA[A-Za-z0-9+/=]+ \S+$/), fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/) });
    expect((await t.request('GET', '/api/v1/ssh/public-key', undefined, {}, { anonymous: true })).status).toBe(401);
  });

  it('registration pins the host key the node presents; it is in NodeRegistered and in the response', async () => {
    const res = await t.request('POST', '/api/v1/nodes', { name: 'scan-1', host: '127.0.0.1', port: sshd.port, user: TEST_SSH_USER });
    expect(res.status).toBe(202);
    expect(res.body.node.hostKeyFingerprint).toBe(sshd.fingerprint);
    const history = await t.request('GET', `/api/v1/nodes/${res.body.node.id}/events`);
    expect(history.body.events[0]).toMatchObject({ type: 'NodeRegistered', data: { hostKeyFingerprint: sshd.fingerprint, port: sshd.port } });
  });

  it('a given fingerprint is taken as is (the first connection verifies it)', async () => {
    const given = 'SHA256:' + 'Q'.repeat(43);
    const res = await t.request('POST', '/api/v1/nodes', { name: 'given-1', host: '127.0.0.1', port: sshd.port, hostKeyFingerprint: given });
    expect([res.status, res.body.node.hostKeyFingerprint]).toEqual([202, given]);
  });

  it('an unreachable node is refused with 502 NODE_UNREACHABLE and nothing is appended', async () => {
    const closed = await freePort();
    const before = t.eventCount();
    const res = await t.request('POST', '/api/v1/nodes', { name: 'nowhere', host: '127.0.0.1', port: closed });
    expect([res.status, res.body.code]).toEqual([502, 'NODE_UNREACHABLE']);
    expect(res.body.message).toContain(`127.0.0.1:${closed}`);
    expect(t.eventCount()).toBe(before);
    expect((await t.request('GET', '/api/v1/nodes?limit=200')).body.items.map((n: { name: string }) => n.name)).not.toContain('nowhere');
  });

  it('an operator re-pins: scanned or given, with the previous fingerprint recorded', async () => {
    const reg = await t.request('POST', '/api/v1/nodes', { name: 'repin-1', host: '127.0.0.1', port: sshd.port, user: TEST_SSH_USER });
    const id = reg.body.node.id;
    const old = sshd.fingerprint;
    await sshd.restart({ newHostKey: true });
    expect(sshd.fingerprint).not.toBe(old);

    const scanned = await t.request('POST', `/api/v1/nodes/${id}/host-key`, {});
    expect(scanned.status).toBe(200);
    expect(scanned.body).toMatchObject({ node: { id, hostKeyFingerprint: sshd.fingerprint }, previousFingerprint: old });
    const given = 'SHA256:' + 'Z'.repeat(43);
    const explicit = await t.request('POST', `/api/v1/nodes/${id}/host-key`, { fingerprint: given });
    expect(explicit.body).toMatchObject({ node: { hostKeyFingerprint: given }, previousFingerprint: sshd.fingerprint });
    const history = await t.request('GET', `/api/v1/nodes/${id}/events`);
    expect(history.body.events.filter((e: { type: string }) => e.type === 'NodeHostKeyPinned').map((e: { data: unknown }) => e.data)).toEqual([
      { nodeId: id, fingerprint: sshd.fingerprint, previousFingerprint: old },
      { nodeId: id, fingerprint: given, previousFingerprint: sshd.fingerprint },
    ]);
    expect((await t.request('POST', `/api/v1/nodes/${id}/host-key`, { fingerprint: 'MD5:x' })).status).toBe(400);
    expect((await t.request('POST', '/api/v1/nodes/nosuchnode/host-key', {})).status).toBe(404);
  });

  it('queues one health check per node (dedup while unfinished), 404 for an unknown node', async () => {
    const reg = await t.request('POST', '/api/v1/nodes', { name: 'hc-1', host: '127.0.0.1', port: sshd.port, user: TEST_SSH_USER });
    const first = await t.request('POST', `/api/v1/nodes/${reg.body.node.id}/health-check`);
    expect(first.status).toBe(202);
    expect(first.body.job).toMatchObject({ kind: 'node.health-check', created: true });
    const second = await t.request('POST', `/api/v1/nodes/${reg.body.node.id}/health-check`);
    expect(second.body.job).toEqual({ id: first.body.job.id, kind: 'node.health-check', created: false });
    const job = await t.request('GET', `/api/v1/jobs/${first.body.job.id}`);
    expect(job.body).toMatchObject({ kind: 'node.health-check', state: 'queued', nodeId: reg.body.node.id });
    const jobEvents = await t.request('GET', `/api/v1/jobs/${first.body.job.id}/events`);
    expect(jobEvents.body.events.map((e: { type: string }) => e.type)).toEqual(['JobQueued']);
    const log = await t.request('GET', `/api/v1/jobs/${first.body.job.id}/run-log`);
    expect(log.body).toEqual({ jobId: first.body.job.id, state: 'queued', finished: false, lines: [], next: 0, runs: [] });
    expect((await t.request('POST', '/api/v1/nodes/nosuchnode/health-check')).status).toBe(404);
    expect((await t.request('GET', '/api/v1/jobs/nosuchjob/run-log')).status).toBe(404);
  });
});
