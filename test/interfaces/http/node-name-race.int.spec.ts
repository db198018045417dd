import { LocalSshd, startLocalSshd } from '../../support/local-sshd';
import { startTestApp, TestApp } from '../../support/test-app';

/** Issue 13.12: two registrations of one name at once (each awaiting its host-key scan) end in one node and 409s, never a 500. */
describe('registering one node name concurrently', () => {
  let sshd: LocalSshd;
  let t: TestApp;
  beforeAll(async () => {
    sshd = await startLocalSshd([]);
    t = await startTestApp({ remote: true }); // host-key scan on: every request awaits a real SSH handshake
  });
  afterAll(async () => {
    await t?.close();
    await sshd?.stop();
  });

  it('one 202, the others 409 DUPLICATE, one NodeRegistered', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => t.request('POST', '/api/v1/nodes', { name: 'race-twin', host: '127.0.0.1', port: sshd.port })),
    );
    const outcome = answers.map((a) => `${a.status} ${a.body.code ?? ''}`.trim()).sort();
    expect(outcome).toEqual(['202', '409 DUPLICATE', '409 DUPLICATE', '409 DUPLICATE', '409 DUPLICATE', '409 DUPLICATE']);
    const registered = (await t.request('GET', '/api/v1/events?type=NodeRegistered')).body.items.filter((e: { data: { name: string } }) => e.data.name === 'race-twin');
    expect(registered).toHaveLength(1);
    expect(registered[0].data.hostKeyFingerprint).toBe(sshd.fingerprint);
  });
});
