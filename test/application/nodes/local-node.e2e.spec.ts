/**
 * The control plane's own host as a node (docs/architecture.md §2): registered over SSH to 127.0.0.1 through the
 * same code path as any node. sshd: a throwaway one on a free loopback port (test/support/local-sshd.ts)
 * that trusts the control plane's key. This host has no systemd, so runs take pl-run's setsid path.
 * The full bootstrap.yml must not reconfigure the CI machine: the registration's bootstrap runs the
 * gated stand-in (writes facts.json into a temp remote root), then a real health-check.yml run.
 * Needs root and /usr/bin/ansible-playbook on this host.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSshd, startLocalSshd } from '../../support/local-sshd';
import { pollUntil } from '../../support/poll-until';
import { makeFakeBootstrapBundle } from '../../support/test-bundle';
import { startTestApp, TestApp } from '../../support/test-app';

jest.setTimeout(5 * 60_000);

describe('the local node: SSH to 127.0.0.1 through the same path (setsid runs)', () => {
  let t: TestApp;
  let sshd: LocalSshd;
  let bundle: ReturnType<typeof makeFakeBootstrapBundle>;
  let remoteRoot: string;

  const finished = (id: string) =>
    pollUntil(async () => {
      const j = (await t.request('GET', `/api/v1/jobs/${id}`)).body;
      return ['succeeded', 'failed', 'cancelled'].includes(j.state) ? j : null;
    }, { timeoutMs: 120_000, intervalMs: 100, description: `job ${id} finished` });

  beforeAll(async () => {
    expect(existsSync('/run/systemd/system')).toBe(false); // the setsid path is what this test is about
    bundle = makeFakeBootstrapBundle();
    remoteRoot = mkdtempSync(join(tmpdir(), 'pl-local-root-'));
    writeFileSync(join(remoteRoot, 'gate'), '');
    t = await startTestApp({
      jobHandlers: 'real',
      env: { PRESSLUFT_PLAYBOOKS_DIR: bundle.dir, PRESSLUFT_REMOTE_ROOT: remoteRoot, PRESSLUFT_RUN_POLL_MS: '100' },
    });
    sshd = await startLocalSshd([(await t.request('GET', '/api/v1/ssh/public-key')).body.publicKey]);
  });
  afterAll(async () => {
    await t?.close();
    await sshd?.stop();
    bundle?.remove();
    if (remoteRoot) rmSync(remoteRoot, { recursive: true, force: true });
  });

  it('registers 127.0.0.1 with its host key pinned, and a health check runs through the runner', async () => {
    const reg = await t.request('POST', '/api/v1/nodes', { name: 'local', host: '127.0.0.1', port: sshd.port, user: 'root' });
    expect(reg.status).toBe(202);
    expect(reg.body.node.hostKeyFingerprint).toBe(sshd.fingerprint);
    const boot = await finished(reg.body.job.id);
    expect(boot).toMatchObject({ state: 'succeeded', attempt: 1 });
    const id = reg.body.node.id;
    expect((await t.request('GET', `/api/v1/nodes/${id}`)).body).toMatchObject({ status: 'ready', facts: { fake_bootstrap: true } });
    expect(JSON.parse(readFileSync(join(remoteRoot, 'facts.json'), 'utf8'))).toMatchObject({ fake_bootstrap: true });

    const t0 = Date.now();
    const check = await t.request('POST', `/api/v1/nodes/${id}/health-check`);
    expect(check.status).toBe(202);
    const done = await finished(check.body.job.id);
    expect(done).toMatchObject({ state: 'succeeded', attempt: 1 });
    console.log(`health check of the local node: ${Date.now() - t0} ms`);
    const log = (await t.request('GET', `/api/v1/jobs/${check.body.job.id}/run-log`)).body;
    const texts: string[] = log.lines.map((l: { text: string }) => l.text);
    expect(texts).toEqual(expect.arrayContaining([expect.stringMatching(/^launched health-check\.yml as run \S+ \(launched setsid\)$/), 'TASK Read service states']));
    expect(log.runs).toEqual([expect.objectContaining({ playbook: 'health-check.yml', state: 'succeeded', rc: 0, stats: { localhost: expect.objectContaining({ changed: 0, failures: 0 }) } })]);
    const report = JSON.parse(readFileSync(join(remoteRoot, 'health.json'), 'utf8'));
    expect(report).toEqual(expect.objectContaining({ services: expect.any(Object), memory_mb: expect.objectContaining({ total: expect.any(Number) }) }));
    expect(readFileSync(join(remoteRoot, 'runs', log.runs[0].runId, 'launches'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect((await t.request('GET', `/api/v1/nodes/${id}`)).body.status).toBe('ready');
  });
});
