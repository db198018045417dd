import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeAddress } from '../../../src/application/ports/remote-shell.port';
import { DomainError } from '../../../src/domain/common/domain-error';
import { SecretBox } from '../../../src/infrastructure/secrets/secret-box';
import { FileControlPlaneKey } from '../../../src/infrastructure/ssh/file-control-plane-key';
import { Ssh2RemoteShell } from '../../../src/infrastructure/ssh/ssh2-remote-shell';
import { freePort, LocalSshd, scratchDirForTestUser, startLocalSshd, TEST_SSH_USER } from '../../support/local-sshd';
import { pollUntil } from '../../support/poll-until';
import { HOSTILE_ARGS } from './shell-quote.spec';

const hasSshd = existsSync('/usr/sbin/sshd') && process.getuid?.() === 0;
const d = hasSshd ? describe : describe.skip;

d('Ssh2RemoteShell against a real sshd', () => {
  let dataDir: string;
  let key: FileControlPlaneKey;
  let sshd: LocalSshd;
  let shell: Ssh2RemoteShell;
  let node: NodeAddress;
  let scratch: string;

  beforeAll(async () => {
    scratch = scratchDirForTestUser();
    dataDir = mkdtempSync(join(tmpdir(), 'pl-ssh-data-'));
    key = FileControlPlaneKey.loadOrCreate(dataDir, SecretBox.openOrCreate(dataDir), 'pressluft@test');
    sshd = await startLocalSshd([key.publicKey()]);
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });
  beforeEach(() => {
    shell = new Ssh2RemoteShell(key, { connectTimeoutMs: 5000 });
    node = { nodeId: 'n1', host: '127.0.0.1', port: sshd.port, user: TEST_SSH_USER, hostKeyFingerprint: sshd.fingerprint };
  });
  afterEach(async () => shell.close());

  it('reports the same fingerprint as ssh-keygen, for its own key and for scanned host keys', async () => {
    const pub = join(dataDir, 'check.pub');
    writeFileSync(pub, key.publicKey() + '\n');
    expect(execFileSync('ssh-keygen', ['-l', '-f', pub]).toString().split(/\s+/)[1]).toBe(key.fingerprint());
    expect(await shell.scanHostKey('127.0.0.1', sshd.port)).toBe(sshd.fingerprint);
  });

  it('runs argv with hostile arguments that round-trip exactly', async () => {
    for (const arg of HOSTILE_ARGS) {
      const res = await shell.exec(node, ['printf', '%s', arg]);
      expect(res).toEqual({ code: 0, stdout: arg, stderr: '' });
    }
    const all = await shell.exec(node, ['sh', '-c', 'for a in "$@"; do printf "%s\\0" "$a"; done', 'sh', ...HOSTILE_ARGS]);
    expect(all.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE_ARGS);
  });

  it('returns exit codes and stderr, passes stdin, and streams output as it comes', async () => {
    expect(await shell.exec(node, ['sh', '-c', 'echo oops >&2; exit 7'])).toEqual({ code: 7, stdout: '', stderr: 'oops\n' });
    expect((await shell.exec(node, ['cat'], { stdin: 'from stdin ✓' })).stdout).toBe('from stdin ✓');
    const chunks: string[] = [];
    let sawFirstBeforeExit = false;
    const pending = shell.exec(node, ['sh', '-c', 'echo first; while [ ! -e "$1" ]; do sleep 0.05; done; echo second', 'sh', join(scratch, 'go')], {
      onStdout: (c) => chunks.push(c),
    });
    await pollUntil(() => chunks.join('').includes('first'), { timeoutMs: 5000, intervalMs: 20 });
    sawFirstBeforeExit = !chunks.join('').includes('second');
    writeFileSync(join(scratch, 'go'), '');
    const res = await pending;
    expect(sawFirstBeforeExit).toBe(true);
    expect(chunks.join('')).toBe('first\nsecond\n');
    expect(res.stdout).toBe('first\nsecond\n');
  });

  it('times out a command and aborts one on signal; the connection stays usable', async () => {
    const t0 = Date.now();
    await expect(shell.exec(node, ['sleep', '30'], { timeoutMs: 300 })).rejects.toMatchObject({ code: 'REMOTE_COMMAND_TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(5000);
    const ac = new AbortController();
    const p = shell.exec(node, ['sleep', '30'], { signal: ac.signal });
    setImmediate(() => ac.abort('cancelled'));
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect((await shell.exec(node, ['echo', 'ok'])).stdout).toBe('ok\n');
  });

  it('reuses one pooled connection for many (also concurrent) commands', async () => {
    const ports = new Set<string>();
    for (let i = 0; i < 5; i++) ports.add((await shell.exec(node, ['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout);
    const parallel = await Promise.all(Array.from({ length: 20 }, () => shell.exec(node, ['sh', '-c', 'echo "$SSH_CONNECTION"'])));
    for (const r of parallel) ports.add(r.stdout);
    expect(ports.size).toBe(1);
    expect(shell.connectionsOpened).toBe(1);
    expect(sshd.sessionPids()).toHaveLength(1);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) await shell.exec(node, ['true']);
    const perExecMs = Number(process.hrtime.bigint() - t0) / 1e6 / 20;
    // Reported, not asserted: on a loaded test box the remote fork dominates. With TCP_NODELAY an exec on a
    // reused connection costs a few ms on an idle machine; without it ~47 ms (docs/architecture.md §9).
    process.stdout.write(`pooled exec: ${perExecMs.toFixed(1)} ms per command\n`);
    expect(perExecMs).toBeLessThan(1000);
  });

  it('reconnects after the server drops the connection', async () => {
    const first = (await shell.exec(node, ['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout;
    const [pid] = sshd.sessionPids();
    process.kill(pid, 'SIGKILL');
    await pollUntil(() => !sshd.sessionPids().includes(pid), { timeoutMs: 5000, intervalMs: 20 });
    // Immediately, before the client may even have noticed the drop:
    const second = (await shell.exec(node, ['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout;
    expect(second).not.toBe(first);
    expect(shell.connectionsOpened).toBe(2);
    shell.destroySockets();
    expect((await shell.exec(node, ['echo', 'again'])).stdout).toBe('again\n');
    expect(shell.connectionsOpened).toBe(3);
  });

  it('uploads atomically with the given mode, content via stdin', async () => {
    const dir = scratchDirForTestUser('pl-upload-');
    try {
      const target = join(dir, "odd name $(id) 'q'.json");
      const content = Buffer.from(JSON.stringify({ secret: "p@ss'w\"rd $(id)" }));
      await shell.upload(node, target, content, 0o600);
      expect(readFileSync(target).equals(content)).toBe(true);
      expect(statSync(target).mode & 0o777).toBe(0o600);
      await shell.upload(node, target, Buffer.from('v2'), 0o644);
      expect(readFileSync(target, 'utf8')).toBe('v2');
      expect(statSync(target).mode & 0o777).toBe(0o644);
      expect(execFileSync('ls', ['-A', dir]).toString().trim().split('\n')).toHaveLength(1);
      await expect(shell.upload(node, join(dir, 'missing', 'x'), Buffer.from('x'), 0o600)).rejects.toMatchObject({ code: 'REMOTE_COMMAND_FAILED' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with NODE_UNREACHABLE on a closed port and on a key the server does not accept', async () => {
    const closed = await freePort();
    await expect(shell.exec({ ...node, port: closed }, ['true'])).rejects.toMatchObject({ code: 'NODE_UNREACHABLE' });
    await expect(shell.exec({ ...node, user: 'nobody' }, ['true'])).rejects.toMatchObject({ code: 'NODE_UNREACHABLE' });
    await expect(shell.scanHostKey('127.0.0.1', closed)).rejects.toMatchObject({ code: 'NODE_UNREACHABLE' });
  });

  it('refuses a changed host key with HOST_KEY_MISMATCH and runs nothing', async () => {
    const marker = join(scratch, 'must-not-exist');
    const pinned = sshd.fingerprint;
    expect((await shell.exec(node, ['echo', 'pinned ok'])).stdout).toBe('pinned ok\n');
    await sshd.restart({ newHostKey: true });
    expect(sshd.fingerprint).not.toBe(pinned);
    shell.dropConnections();
    const err = await shell.exec(node, ['touch', marker]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'HOST_KEY_MISMATCH', details: { expected: pinned, actual: sshd.fingerprint } });
    expect(existsSync(marker)).toBe(false);
    await expect(shell.upload(node, marker, Buffer.from('x'), 0o600)).rejects.toMatchObject({ code: 'HOST_KEY_MISMATCH' });
    expect(existsSync(marker)).toBe(false);
    // After re-pinning, it works again.
    expect((await shell.exec({ ...node, hostKeyFingerprint: sshd.fingerprint }, ['echo', 'repinned'])).stdout).toBe('repinned\n');
  });
});
