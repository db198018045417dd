import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JobFailure, JobRecord } from '../../../src/application/ports/job-queue.port';
import type { NodeAddress } from '../../../src/application/ports/remote-shell.port';
import { AnsibleRemoteRunner } from '../../../src/infrastructure/remote-runner/ansible-remote-runner';
import { SqliteRunStore } from '../../../src/infrastructure/remote-runner/sqlite-run-store';
import { SecretBox } from '../../../src/infrastructure/secrets/secret-box';
import { Database, openDatabase } from '../../../src/infrastructure/sqlite/database';
import { FileControlPlaneKey } from '../../../src/infrastructure/ssh/file-control-plane-key';
import { Ssh2RemoteShell } from '../../../src/infrastructure/ssh/ssh2-remote-shell';
import { LocalSshd, scratchDirForTestUser, startLocalSshd, TEST_SSH_USER } from '../../support/local-sshd';
import { testJobContext, TestJobContext } from '../../support/job-context';
import { pollUntil } from '../../support/poll-until';

const REPO = resolve(__dirname, '..', '..', '..');
const ready = existsSync('/usr/sbin/sshd') && process.getuid?.() === 0 && existsSync('/usr/bin/ansible-playbook');
const d = ready ? describe : describe.skip;

jest.setTimeout(120_000);

const fakeCtx = (job: Partial<JobRecord> = {}): TestJobContext => testJobContext(job);

d('AnsibleRemoteRunner against a real sshd (setsid path)', () => {
  let dataDir: string;
  let key: FileControlPlaneKey;
  let sshd: LocalSshd;
  let remoteRoot: string;
  let scratch: string;
  let bundleDir: string;
  let db: Database;
  let shells: Ssh2RemoteShell[] = [];
  let node: NodeAddress;

  const newRunner = (): { runner: AnsibleRemoteRunner; shell: Ssh2RemoteShell; store: SqliteRunStore } => {
    const shell = new Ssh2RemoteShell(key, { connectTimeoutMs: 5000 });
    shells.push(shell);
    const store = new SqliteRunStore(db);
    const runner = new AnsibleRemoteRunner(shell, store, { playbooksDir: bundleDir, remoteRoot, pollIntervalMs: 100, sudo: 'never' });
    return { runner, shell, store };
  };
  const runDir = (runId: string): string => join(remoteRoot, 'runs', runId);
  const launches = (runId: string): number => readFileSync(join(runDir(runId), 'launches'), 'utf8').trim().split('\n').length;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pl-rr-data-'));
    key = FileControlPlaneKey.loadOrCreate(dataDir, SecretBox.openOrCreate(dataDir), 'pressluft@test');
    sshd = await startLocalSshd([key.publicKey()]);
    remoteRoot = scratchDirForTestUser('pl-rr-root-');
    scratch = scratchDirForTestUser('pl-rr-scratch-');
    // The bundle: the real playbooks/ plus the test playbooks.
    bundleDir = mkdtempSync(join(tmpdir(), 'pl-rr-bundle-'));
    cpSync(join(REPO, 'playbooks'), bundleDir, { recursive: true });
    for (const f of readdirSync(join(REPO, 'test', 'fixtures', 'playbooks'))) cpSync(join(REPO, 'test', 'fixtures', 'playbooks', f), join(bundleDir, f));
    db = openDatabase({ file: join(dataDir, 'pressluft.db') });
    node = { nodeId: 'local', host: '127.0.0.1', port: sshd.port, user: TEST_SSH_USER, hostKeyFingerprint: sshd.fingerprint };
  });
  afterEach(async () => {
    for (const s of shells) await s.close();
    shells = [];
  });
  afterAll(async () => {
    db?.close();
    await sshd?.stop();
    for (const dir of [dataDir, remoteRoot, scratch, bundleDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the ping playbook to completion, parses its events, uploads the bundle once', async () => {
    const { runner, store } = newRunner();
    const ctx = fakeCtx();
    const t0 = Date.now();
    const result = await runner.run(node, 'ping', { some: 'var', secret: "p'w $(id)" }, ctx);
    const firstMs = Date.now() - t0;
    expect(result).toMatchObject({ rc: 0, changed: 0, failedTasks: [], reattached: false });
    expect(result.stats.localhost).toMatchObject({ ok: 2, changed: 0, failures: 0 });
    expect(ctx.runId).toBe(result.runId);
    const events = store.events(result.runId);
    expect(events.map((e) => e.event)).toEqual(
      expect.arrayContaining(['task_start', 'runner_on_ok', 'playbook_on_stats']),
    );
    expect(events.filter((e) => e.event === 'task_start').map((e) => e.task)).toEqual(['Say hello', "Read the node's uptime"]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(ctx.lines.some((l) => l.startsWith('RECAP localhost ok=2 changed=0'))).toBe(true);
    expect(store.get(result.runId)).toMatchObject({ state: 'succeeded', rc: 0 });
    expect(statSync(join(runDir(result.runId), 'vars.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(runDir(result.runId), 'status'), 'utf8').trim()).toBe('succeeded');
    expect(launches(result.runId)).toBe(1);
    const bundles = readdirSync(join(remoteRoot, 'bundles')).filter((n) => !n.startsWith('.'));
    expect(bundles).toHaveLength(1);
    expect(existsSync(join(remoteRoot, 'bundles', bundles[0], '.complete'))).toBe(true);

    // A second runner (fresh process state) finds the bundle on the node and does not upload again.
    const mtime = statSync(join(remoteRoot, 'bundles', bundles[0], '.complete')).mtimeMs;
    const again = await newRunner().runner.run(node, 'ping', {}, fakeCtx());
    expect(again.changed).toBe(0);
    expect(statSync(join(remoteRoot, 'bundles', bundles[0], '.complete')).mtimeMs).toBe(mtime);
    process.stdout.write(`ping run: first ${firstMs} ms\n`);
  });

  it('maps a failed task to REMOTE_RUN_FAILED with the task name', async () => {
    const { runner, store } = newRunner();
    const ctx = fakeCtx();
    const err = await runner.run(node, 'fail-task', { reason: 'on purpose' }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailure);
    expect(err).toMatchObject({ code: 'REMOTE_RUN_FAILED', retryable: false });
    expect((err as JobFailure).message).toContain('Break on purpose');
    expect((err as JobFailure).summary).toMatchObject({ rc: 2, failedTasks: [{ task: 'Break on purpose', msg: expect.stringContaining('boom: on purpose') }] });
    expect(store.get(ctx.runId!)).toMatchObject({ state: 'failed', rc: 2 });
  });

  it('returns the play\'s pl_result as outputs, on success and in a failure\'s summary, scrubbed of registered secrets', async () => {
    const { runner, store } = newRunner();
    const secret = 'pw-' + Math.random().toString(36).slice(2);
    const ok = await runner.run(node, 'report-and-fail', { fail_run: false, secret: 'nothing' }, fakeCtx());
    expect(ok.outputs).toEqual({ phase: 'pre-switch', note: 'the secret was nothing' });
    const ctx = fakeCtx();
    ctx.addSecret(secret);
    const err = (await runner.run(node, 'report-and-fail', { secret }, ctx).catch((e: unknown) => e)) as JobFailure;
    expect(err).toMatchObject({ code: 'REMOTE_RUN_FAILED', summary: { outputs: { phase: 'pre-switch', note: 'the secret was [redacted]' } } });
    expect(err.message).toContain('Echo the secret and fail');
    expect(err.message).not.toContain('password'); // the task's stderr stays in run_events
    const events = JSON.stringify(store.events(ctx.runId!));
    expect(events).toContain('the password is [redacted]');
    expect(events).not.toContain(secret);
    expect(JSON.stringify([ctx.lines, err.summary, store.get(ctx.runId!)])).not.toContain(secret);
  });

  it('survives the SSH connection being cut mid-run: the run completes, launched exactly once', async () => {
    const { runner, shell, store } = newRunner();
    const ctx = fakeCtx();
    const gate = join(scratch, 'gate-drop');
    const pending = runner.run(node, 'wait-for-gate', { gate }, ctx);
    await pollUntil(() => ctx.runId && store.events(ctx.runId).some((e) => e.task === 'Wait for the gate file'), { timeoutMs: 60_000, intervalMs: 50 });
    // Kill the sshd processes serving our connection (not the run: it is in its own session).
    const sessions = sshd.sessionPids();
    expect(sessions.length).toBeGreaterThan(0);
    for (const pid of sessions) process.kill(pid, 'SIGKILL');
    await pollUntil(() => sessions.every((p) => !sshd.sessionPids().includes(p)), { timeoutMs: 5000, intervalMs: 20 });
    // And once more from the client side.
    await pollUntil(() => shell.connectionsOpened >= 2, { timeoutMs: 20_000, intervalMs: 50 });
    shell.destroySockets();
    writeFileSync(gate, '');
    const result = await pending;
    expect(result.rc).toBe(0);
    expect(shell.connectionsOpened).toBeGreaterThanOrEqual(3);
    expect(launches(result.runId)).toBe(1);
    expect(store.events(result.runId).filter((e) => e.event === 'task_start').map((e) => e.task)).toEqual([
      'Announce',
      'Wait for the gate file',
      'After the gate',
    ]);
  });

  it('re-attaches from a fresh runner given the stored run id, without launching again', async () => {
    const a = newRunner();
    const ctxA = fakeCtx();
    const gate = join(scratch, 'gate-reattach');
    const pendingA = a.runner.run(node, 'wait-for-gate', { gate }, ctxA);
    await pollUntil(() => ctxA.runId && a.store.events(ctxA.runId).some((e) => e.task === 'Wait for the gate file'), { timeoutMs: 60_000, intervalMs: 50 });
    // The worker shuts down: runner A stops following, the remote run goes on.
    ctxA.controller.abort('shutdown');
    await expect(pendingA).rejects.toMatchObject({ code: 'JOB_CANCELLED', retryable: true });
    await a.shell.close();
    const runId = ctxA.runId!;
    expect(readFileSync(join(runDir(runId), 'status'), 'utf8').trim()).toBe('running');

    // A new worker with fresh objects (and a fresh connection to the database) picks the job up again.
    const db2 = openDatabase({ file: join(dataDir, 'pressluft.db') });
    try {
      const shell2 = new Ssh2RemoteShell(key);
      shells.push(shell2);
      const runner2 = new AnsibleRemoteRunner(shell2, new SqliteRunStore(db2), { playbooksDir: bundleDir, remoteRoot, pollIntervalMs: 100, sudo: 'never' });
      const ctxB = fakeCtx({ id: ctxA.job.id });
      const pendingB = runner2.run(node, 'wait-for-gate', { gate }, ctxB);
      await pollUntil(() => ctxB.lines.some((l) => l.includes(`attaching to remote run ${runId}`)), { timeoutMs: 10_000, intervalMs: 20 });
      writeFileSync(gate, '');
      const result = await pendingB;
      expect(result).toMatchObject({ runId, rc: 0, reattached: true });
      expect(launches(runId)).toBe(1);
      const events = new SqliteRunStore(db2).events(runId);
      expect(events.filter((e) => e.event === 'task_start').map((e) => e.task)).toEqual(['Announce', 'Wait for the gate file', 'After the gate']);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1)); // no duplicates, no gaps
      // A later attempt of the same job run reads the step's recorded result and launches nothing.
      const later = await runner2.run(node, 'wait-for-gate', { gate }, fakeCtx({ id: ctxA.job.id, attempt: 3 }));
      expect(later).toMatchObject({ runId, rc: 0, recorded: true });
      expect(launches(runId)).toBe(1);
      // An operator's retry is a new run of the job: the step launches anew.
      const retry = await runner2.run(node, 'wait-for-gate', { gate }, fakeCtx({ id: ctxA.job.id, run: 2 }));
      expect(retry).toMatchObject({ rc: 0, recorded: false });
      expect(retry.runId).not.toBe(runId);
    } finally {
      db2.close();
    }
  });

  it('cancel stops the whole process group and records cancelled', async () => {
    const { runner, store } = newRunner();
    const ctx = fakeCtx();
    const seconds = String(3000 + Math.floor(Math.random() * 900));
    const pending = runner.run(node, 'long-sleep', { seconds }, ctx);
    const sleepPids = (): string[] => {
      try {
        return execFileSync('pgrep', ['-u', TEST_SSH_USER, '-f', `^sleep ${seconds}$`]).toString().trim().split('\n').filter(Boolean);
      } catch {
        return [];
      }
    };
    await pollUntil(() => sleepPids().length > 0, { timeoutMs: 60_000, intervalMs: 50, description: 'sleep process' });
    ctx.controller.abort('cancelled');
    await expect(pending).rejects.toMatchObject({ code: 'JOB_CANCELLED', retryable: false });
    await pollUntil(() => sleepPids().length === 0, { timeoutMs: 15_000, intervalMs: 50, description: 'sleep gone' });
    expect(readFileSync(join(runDir(ctx.runId!), 'status'), 'utf8').trim()).toBe('cancelled');
    expect(store.get(ctx.runId!)).toMatchObject({ state: 'cancelled' });
    expect(launches(ctx.runId!)).toBe(1);
  });
});
