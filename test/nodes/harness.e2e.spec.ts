/**
 * End-to-end check of the real test-node harness (test/nodes/pl-nodes.sh): boots one "full" and one
 * "bare" node and talks to them over real SSH (ssh2), exactly as the control plane will.
 * Needs root (network namespaces, systemd-nspawn), as the whole test command does.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { pollUntil } from '../support/poll-until';
import { downNode, ensureTemplate, TestNode, upNode } from '../support/test-nodes';

const execFileP = promisify(execFile);

interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
  hostKeyFingerprint: string;
}

/** One SSH exec on a fresh connection; the host key must match `expectedFingerprint`. */
function sshExec(node: TestNode, privateKey: Buffer, command: string, timeoutMs = 60_000): Promise<SshResult> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let seen = '';
    const timer = setTimeout(() => {
      conn.end();
      reject(new Error(`ssh ${node.ip}: "${command}" timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    conn
      .on('ready', () => {
        conn.exec(command, (err, stream) => {
          if (err) {
            clearTimeout(timer);
            conn.end();
            return reject(err);
          }
          let stdout = '';
          let stderr = '';
          stream.on('data', (d: Buffer) => (stdout += d.toString()));
          stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          stream.on('close', (code: number | null) => {
            clearTimeout(timer);
            conn.end();
            resolve({ code, stdout, stderr, hostKeyFingerprint: seen });
          });
        });
      })
      .on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      })
      .connect({
        host: node.ip,
        port: node.sshPort,
        username: 'root',
        privateKey,
        readyTimeout: 15_000,
        algorithms: { serverHostKey: ['ssh-ed25519'] },
        hostVerifier: (key: Buffer) => {
          seen = 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
          return seen === node.hostKeyFingerprint;
        },
      });
  });
}

/** A 10.254.X.2 address whose /24 no interface on this host has, i.e. only the unreachable route covers it. */
async function unusedNodeAddress(): Promise<string> {
  const { stdout } = await execFileP('ip', ['-o', '-4', 'addr', 'show']);
  for (let x = 254; x >= 1; x--) {
    if (!stdout.includes(` inet 10.254.${x}.`)) return `10.254.${x}.2`;
  }
  throw new Error('no unused 10.254.X.0/24');
}

describe('test-node harness (real nspawn nodes)', () => {
  let tmp: string;
  let privateKey: Buffer;
  let full: TestNode | undefined;
  let bare: TestNode | undefined;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-harness-'));
    const keyFile = path.join(tmp, 'id_ed25519');
    await execFileP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pl-harness-test', '-f', keyFile]);
    privateKey = fs.readFileSync(keyFile);
    await ensureTemplate();
    full = await upNode('full', 0, [`${keyFile}.pub`]);
    bare = await upNode('bare', 1, [`${keyFile}.pub`]);
  }, 25 * 60_000);

  afterAll(async () => {
    const errors: unknown[] = [];
    for (const node of [full, bare]) {
      if (node) await downNode(node).catch((e) => errors.push(e));
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (errors.length) throw errors[0];
  }, 120_000);

  it('runs a real systemd on both nodes, reachable over SSH, without a default route', async () => {
    for (const node of [full!, bare!]) {
      const r = await sshExec(node, privateKey, 'systemctl is-system-running; ip route show default; hostname');
      const [state, ...rest] = r.stdout.trim().split('\n');
      expect(['running', 'degraded']).toContain(state);
      expect(rest.join('\n')).toBe(`node${node.n}`); // no default route line in between
    }
  }, 60_000);

  it('has nginx, php8.2-fpm and mariadb active on the full node', async () => {
    const r = await pollUntil(
      async () => {
        const res = await sshExec(full!, privateKey, 'systemctl is-active nginx php8.2-fpm mariadb');
        return res.code === 0 ? res : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'services active on the full node' },
    );
    expect(r.stdout.trim().split('\n')).toEqual(['active', 'active', 'active']);
    const db = await sshExec(full!, privateKey, 'mariadb -N -e "SELECT 1"');
    expect(db.stdout.trim()).toBe('1');
  }, 90_000);

  it('lets the bare node install a package with apt through the host cache', async () => {
    const r = await sshExec(
      bare!,
      privateKey,
      'export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q --no-install-recommends hello && hello',
      300_000,
    );
    if (r.code !== 0) throw new Error(`apt failed (rc=${r.code}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    expect(r.stdout).toContain('Hello, world!');
  }, 330_000);

  it('gives every node its own host key, and SSH sees the one the harness reports', async () => {
    const a = await sshExec(full!, privateKey, 'true');
    const b = await sshExec(bare!, privateKey, 'true');
    expect(a.hostKeyFingerprint).toBe(full!.hostKeyFingerprint);
    expect(b.hostKeyFingerprint).toBe(bare!.hostKeyFingerprint);
    expect(a.hostKeyFingerprint).not.toBe(b.hostKeyFingerprint);
  }, 60_000);

  it('fails fast for an address in 10.254.0.0/16 without a node (unreachable route)', async () => {
    const addr = await unusedNodeAddress();
    const started = Date.now();
    const err = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const sock = net.connect({ host: addr, port: 22 });
      sock.setTimeout(5_000, () => {
        sock.destroy();
        reject(new Error(`connect to ${addr} hung instead of failing`));
      });
      sock.on('connect', () => {
        sock.destroy();
        reject(new Error(`connect to ${addr} succeeded`));
      });
      sock.on('error', resolve);
    });
    expect(['EHOSTUNREACH', 'ENETUNREACH']).toContain(err.code);
    expect(Date.now() - started).toBeLessThan(1_000);
  }, 30_000);
});
