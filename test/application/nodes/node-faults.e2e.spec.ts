/**
 * Node jobs under faults, on REAL test nodes (systemd-nspawn, real sshd) with the control plane
 * in-process (real handlers, real data dir). bootstrap.yml is replaced by a gated stand-in
 * (test/fixtures/playbooks/fake-bootstrap.yml) so each test decides when a run ends.
 *   (a) the SSH connection is cut mid-run: the run goes on, the job completes, exactly one launch
 *   (d) the node's host keys are regenerated: the next job is refused with HOST_KEY_MISMATCH, nothing
 *       runs on the node, the node is flagged (failed) until an operator re-pins
 *   (c) the node is unreachable: retries with backoff, then failed NODE_UNREACHABLE, node unreachable
 * Needs root (test nodes). Node slots 0 and 3 of this worker (PL_NODES_BASE).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ssh2RemoteShell } from '../../../src/infrastructure/ssh/ssh2-remote-shell';
import { pollUntil } from '../../support/poll-until';
import { makeFakeBootstrapBundle } from '../../support/test-bundle';
import { startTestApp, TestApp } from '../../support/test-app';
import { downNode, ensureTemplate, execOnNode, nodeIp, nodeNumber, TestNode, upNode } from '../../support/test-nodes';

jest.setTimeout(10 * 60_000);

describe('node jobs under faults (real nodes)', () => {
  let t: TestApp;
  let bundle: ReturnType<typeof makeFakeBootstrapBundle>;
  let keyDir: string;
  let node: TestNode;
  let nodeId: string;
  let shell: Ssh2RemoteShell;

  const job = async (id: string) => (await t.request('GET', `/api/v1/jobs/${id}`)).body;
  const finished = (id: string, timeoutMs = 120_000) =>
    pollUntil(async () => {
      const j = await job(id);
      return ['succeeded', 'failed', 'cancelled'].includes(j.state) ? j : null;
    }, { timeoutMs, intervalMs: 100, description: `job ${id} finished` });
  const nodeView = async (id: string) => (await t.request('GET', `/api/v1/nodes/${id}`)).body;
  const eventTypes = async (stream: string) => (await t.request('GET', `/api/v1/${stream}/events`)).body.events.map((e: { type: string }) => e.type);
  const runDirs = async (): Promise<string[]> => {
    const r = await execOnNode(node, ['sh', '-c', 'ls -1 /var/lib/pressluft/runs 2>/dev/null || true']);
    return r.stdout.split('\n').filter(Boolean);
  };
  const launches = async (runId: string): Promise<number> => {
    const r = await execOnNode(node, ['cat', `/var/lib/pressluft/runs/${runId}/launches`]);
    return r.stdout.trim().split('\n').filter(Boolean).length;
  };
  const gate = (open: boolean) => execOnNode(node, open ? ['touch', '/var/lib/pressluft/gate'] : ['rm', '-f', '/var/lib/pressluft/gate']);

  beforeAll(async () => {
    await ensureTemplate();
    bundle = makeFakeBootstrapBundle();
    t = await startTestApp({
      jobHandlers: 'real',
      env: {
        PRESSLUFT_PLAYBOOKS_DIR: bundle.dir,
        PRESSLUFT_RUN_POLL_MS: '100',
        PRESSLUFT_JOB_BACKOFF_BASE_MS: '200',
        PRESSLUFT_JOB_BACKOFF_MAX_MS: '1000',
        PRESSLUFT_SSH_CONNECT_TIMEOUT_MS: '3000',
      },
    });
    shell = t.app.get(Ssh2RemoteShell);
    keyDir = mkdtempSync(join(tmpdir(), 'pl-faults-key-'));
    writeFileSync(join(keyDir, 'cp.pub'), (await t.request('GET', '/api/v1/ssh/public-key')).body.publicKey + '\n');
    node = await upNode('full', 0, [join(keyDir, 'cp.pub')]);
    await execOnNode(node, ['sh', '-c', 'mkdir -p /var/lib/pressluft && touch /var/lib/pressluft/gate']);

    // Registration scans and pins the host key; its bootstrap runs (gate open) and makes the node ready.
    const reg = await t.request('POST', '/api/v1/nodes', { name: 'fault-a', host: node.ip });
    expect(reg.status).toBe(202);
    nodeId = reg.body.node.id;
    expect(reg.body.node.hostKeyFingerprint).toBe(node.hostKeyFingerprint);
    const boot = await finished(reg.body.job.id);
    expect(boot).toMatchObject({ state: 'succeeded', attempt: 1 });
    expect(await nodeView(nodeId)).toMatchObject({ status: 'ready', facts: { fake_bootstrap: true, php_version: '8.2', public_key_given: true } });
  });

  afterAll(async () => {
    await t?.close();
    if (node) await downNode(node);
    bundle?.remove();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('(a) SSH connection cut mid-run: the run goes on, the job completes, launched exactly once', async () => {
    await gate(false);
    const res = await t.request('POST', `/api/v1/nodes/${nodeId}/bootstrap`);
    expect(res.status).toBe(202);
    const jobId = res.body.job.id;
    // The run is waiting at the gate (seen in the worker's log through the API).
    const log = await pollUntil(async () => {
      const page = (await t.request('GET', `/api/v1/jobs/${jobId}/run-log`)).body;
      return page.lines.some((l: { text: string }) => l.text === 'TASK Wait for the gate file') ? page : null;
    }, { timeoutMs: 60_000, intervalMs: 100, description: 'run waiting at the gate' });
    const runId: string = log.runs[0].runId;
    const opened = shell.connectionsOpened;
    shell.destroySockets(nodeId); // the TCP link under the pooled connection dies without a goodbye
    // The runner reconnects (a new pooled connection) while the run keeps waiting on the node.
    await pollUntil(() => shell.connectionsOpened > opened, { timeoutMs: 30_000, intervalMs: 50, description: 'reconnected' });
    expect((await execOnNode(node, ['cat', `/var/lib/pressluft/runs/${runId}/status`])).stdout.trim()).toBe('running');
    await gate(true);
    const done = await finished(jobId);
    expect(done).toMatchObject({ state: 'succeeded', attempt: 1 });
    expect(await launches(runId)).toBe(1);
    const page = (await t.request('GET', `/api/v1/jobs/${jobId}/run-log`)).body;
    expect(page.runs).toEqual([expect.objectContaining({ runId, playbook: 'bootstrap.yml', state: 'succeeded', rc: 0 })]);
    const events = (await t.request('GET', `/api/v1/jobs/${jobId}/runs/${runId}/events`)).body.items;
    expect(events.filter((e: { event: string }) => e.event === 'task_start').map((e: { task: string }) => e.task)).toEqual([
      'Announce',
      'Wait for the gate file',
      'Write node facts for the control plane',
    ]);
    expect(events.map((e: { seq: number }) => e.seq)).toEqual(events.map((_: unknown, i: number) => i + 1)); // no gaps, no duplicates
    expect((await nodeView(nodeId)).status).toBe('ready');
  });

  it('(d) host keys regenerated: the next job is refused with HOST_KEY_MISMATCH, nothing runs; re-pin clears the flag', async () => {
    const pinned = (await nodeView(nodeId)).hostKeyFingerprint;
    const regen = await execOnNode(node, ['sh', '-c', 'rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh']);
    expect(regen.code).toBe(0);
    const fresh = (await execOnNode(node, ['ssh-keygen', '-l', '-f', '/etc/ssh/ssh_host_ed25519_key.pub'])).stdout.split(/\s+/)[1];
    expect(fresh).toMatch(/^SHA256:/);
    expect(fresh).not.toBe(pinned);
    // A host key change comes with a reinstall or reboot, which ends the old connections too.
    shell.dropConnections(nodeId);
    const runsBefore = await runDirs();

    const res = await t.request('POST', `/api/v1/nodes/${nodeId}/health-check`);
    expect(res.status).toBe(202);
    const failed = await finished(res.body.job.id);
    expect(failed).toMatchObject({ state: 'failed', attempt: 1, error: { code: 'HOST_KEY_MISMATCH' } });
    expect(failed.error.message).toContain(fresh);
    expect(await runDirs()).toEqual(runsBefore); // nothing was started on the node
    const flagged = await nodeView(nodeId);
    expect(flagged).toMatchObject({ status: 'failed', hostKeyFingerprint: pinned });
    const history = (await t.request('GET', `/api/v1/nodes/${nodeId}/events`)).body.events;
    expect(history[history.length - 1]).toMatchObject({
      type: 'NodeHostKeyMismatchDetected',
      data: { nodeId, pinnedFingerprint: pinned, presentedFingerprint: fresh, previousStatus: 'ready' },
    });

    // The operator re-pins (scan): NodeHostKeyPinned with the previous key, the node is ready again.
    const repin = await t.request('POST', `/api/v1/nodes/${nodeId}/host-key`, {});
    expect(repin.body).toMatchObject({ node: { status: 'ready', hostKeyFingerprint: fresh }, previousFingerprint: pinned });
    expect((await eventTypes(`nodes/${nodeId}`)).slice(-2)).toEqual(['NodeHostKeyPinned', 'NodeStatusChanged']);
    const again = await t.request('POST', `/api/v1/nodes/${nodeId}/health-check`);
    const ok = await finished(again.body.job.id);
    expect(ok).toMatchObject({ state: 'succeeded', attempt: 1 });
    expect((await runDirs()).length).toBe(runsBefore.length + 1);
    const log = (await t.request('GET', `/api/v1/jobs/${again.body.job.id}/run-log`)).body;
    expect(log.lines.map((l: { text: string }) => l.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^health: \{.*"services"/)]));
    // A passing check changes nothing on a ready node: no new node event.
    expect((await eventTypes(`nodes/${nodeId}`)).slice(-1)).toEqual(['NodeStatusChanged']);
  });

  it('(c) unreachable node: retries with backoff, then failed NODE_UNREACHABLE and the node is marked unreachable', async () => {
    // Safety net first: 10.254.0.0/16 must never leave this machine.
    expect(execFileSync('ip', ['route', 'show', 'type', 'unreachable']).toString()).toContain('10.254.0.0/16');
    await downNode(3); // nothing answers at this address
    const host = nodeIp(nodeNumber(3));
    const reg = await t.request('POST', '/api/v1/nodes', { name: 'fault-c', host, hostKeyFingerprint: 'SHA256:' + 'U'.repeat(43) });
    expect(reg.status).toBe(202); // a given key is not scanned: the first connection would verify it
    const failed = await finished(reg.body.job.id);
    expect(failed).toMatchObject({ state: 'failed', attempt: 3, maxAttempts: 3, error: { code: 'NODE_UNREACHABLE' } });
    expect(failed.error.message).toContain(host);
    const jobEvents = await eventTypes(`jobs/${reg.body.job.id}`);
    expect(jobEvents).toEqual(['JobQueued', 'JobStarted', 'JobRetryScheduled', 'JobStarted', 'JobRetryScheduled', 'JobStarted', 'JobFailed']);
    expect(await nodeView(reg.body.node.id)).toMatchObject({ status: 'unreachable' });
    const nodeEvents = (await t.request('GET', `/api/v1/nodes/${reg.body.node.id}/events`)).body.events;
    expect(nodeEvents.slice(-2)).toEqual([
      expect.objectContaining({ type: 'NodeBootstrapFailed', data: expect.objectContaining({ error: expect.objectContaining({ code: 'NODE_UNREACHABLE' }) }) }),
      expect.objectContaining({ type: 'NodeStatusChanged', data: expect.objectContaining({ from: 'failed', to: 'unreachable' }) }),
    ]);
  });
});
