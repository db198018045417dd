/**
 * A throwaway OpenSSH server on 127.0.0.1:<free port> (or another address of this machine, such as the
 * host side of a test node's link) for integration tests: own host key, own authorized_keys, started
 * with `sshd -D` and stopped by its PID. Needs root and /usr/sbin/sshd.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from './poll-until';

export interface LocalSshd {
  readonly port: number;
  readonly dir: string;
  /** `SHA256:…` of the current host key. */
  fingerprint: string;
  pid(): number;
  /** PIDs of the per-connection sshd processes (children of the listener). */
  sessionPids(): number[];
  /** Stops the listener; with `newHostKey` it comes back with a freshly generated host key. */
  restart(opts?: { newHostKey?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function genHostKey(dir: string): string {
  const file = join(dir, 'ssh_host_ed25519_key');
  rmSync(file, { force: true });
  rmSync(`${file}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  return execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`]).toString().split(/\s+/)[1];
}

function banner(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('SSH-'));
    });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

/**
 * The login user for test sessions: a system user with /bin/sh and no rc files, because root's
 * interactive bash start-up on a dev box (pyenv etc.) adds seconds to every command. Created once.
 */
export const TEST_SSH_USER = 'pl-sshtest';

export function ensureTestUser(): { uid: number; gid: number } {
  try {
    execFileSync('id', ['-u', TEST_SSH_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--create-home', '--home-dir', `/var/lib/${TEST_SSH_USER}`, '--shell', '/bin/sh', '-p', '*', TEST_SSH_USER]);
  }
  const uid = Number(execFileSync('id', ['-u', TEST_SSH_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', TEST_SSH_USER]).toString().trim());
  return { uid, gid };
}

/** A temp dir owned by the test login user (for files the remote side writes). */
export function scratchDirForTestUser(prefix = 'pl-remote-'): string {
  const { uid, gid } = ensureTestUser();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chownSync(dir, uid, gid);
  return dir;
}

/** `extraConfig`: lines appended to sshd_config (e.g. a Match block that restricts the test user to sftp). */
export async function startLocalSshd(authorizedKeys: string[], opts: { listen?: string; extraConfig?: string[] } = {}): Promise<LocalSshd> {
  const listen = opts.listen ?? '127.0.0.1';
  ensureTestUser();
  const dir = mkdtempSync(join(tmpdir(), 'pl-sshd-'));
  chmodSync(dir, 0o755); // sshd reads authorized_keys as the login user
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  writeFileSync(join(dir, 'authorized_keys'), authorizedKeys.join('\n') + '\n', { mode: 0o644 });
  const config = [
    `Port ${port}`,
    `ListenAddress ${listen}`,
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    `AllowUsers ${TEST_SSH_USER} root`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'MaxStartups 100',
    'MaxSessions 20',
    'LogLevel ERROR',
    'Subsystem sftp internal-sftp',
    ...(opts.extraConfig ?? []),
  ].join('\n');
  writeFileSync(join(dir, 'sshd_config'), config + '\n');
  let fingerprint = genHostKey(dir);
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    const c = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr?.on('data', (d) => (stderr += d.toString()));
    child = c;
    await pollUntil(async () => c.exitCode === null && (await banner(listen, port)), {
      timeoutMs: 10_000,
      intervalMs: 50,
      description: `sshd on ${port} (${stderr})`,
    });
  };
  const stopChild = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGTERM');
    await exited;
    await pollUntil(async () => !(await banner(listen, port)), { timeoutMs: 5000, intervalMs: 50, description: 'sshd stopped' });
  };
  await start();

  const handle: LocalSshd = {
    port,
    dir,
    fingerprint,
    pid: () => child?.pid ?? -1,
    sessionPids: () => {
      const pid = child?.pid;
      if (!pid) return [];
      try {
        return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    },
    restart: async (opts = {}) => {
      await stopChild();
      if (opts.newHostKey) {
        fingerprint = genHostKey(dir);
        handle.fingerprint = fingerprint;
      }
      await start();
    },
    stop: async () => {
      // Per-connection children survive the listener: end them too (by PID, ours only).
      for (const pid of handle.sessionPids()) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

export function readFileOr(file: string, fallback = ''): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
