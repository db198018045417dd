/**
 * e. Remote runs on a real test node (test/support/test-nodes.ts, PL_NODES_BASE; needs root):
 *  1. ping.yml as Pressluft runs it (AnsibleRemoteRunner: bundle check, 0600 vars upload, detached
 *     launch through pl-run, polling events.jsonl over the pooled SSH connection, default poll interval)
 *     against the same ansible-playbook run by hand on the same node over SSH (one `ssh` command
 *     running `ansible-playbook -c local` on the uploaded bundle, waiting for it to end).
 *     Goal: overhead <= 10 % + 1 s.
 *  2. One SSH command (`true`) over the pooled ssh2 connection against a fresh connection per command.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobContext } from '../src/application/ports/job-queue.port';
import type { NodeAddress } from '../src/application/ports/remote-shell.port';
import { loadSettings } from '../src/infrastructure/config/settings';
import { AnsibleRemoteRunner } from '../src/infrastructure/remote-runner/ansible-remote-runner';
import { SqliteRunStore } from '../src/infrastructure/remote-runner/sqlite-run-store';
import { SecretBox } from '../src/infrastructure/secrets/secret-box';
import { openDatabase } from '../src/infrastructure/sqlite/database';
import { FileControlPlaneKey } from '../src/infrastructure/ssh/file-control-plane-key';
import { Ssh2RemoteShell } from '../src/infrastructure/ssh/ssh2-remote-shell';
import { testJobContext } from '../test/support/job-context';
import { downNode, ensureTemplate, upNode } from '../test/support/test-nodes';
import { tempDir } from './support/env';
import type { BenchSection } from './support/report';
import { fmt, log, median, nowMs } from './support/timing';

const PLAYBOOK_ROUNDS = 5;
const EXEC_OPS = 40;

function ctx(): JobContext {
  return testJobContext({ id: `bench-${Math.random().toString(36).slice(2)}`, kind: 'bench' });
}

function sh(args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('ssh', args, { maxBuffer: 16 * 1024 * 1024 }, (err, _out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve())),
  );
}

export async function run(): Promise<BenchSection> {
  const t0 = nowMs();
  const dir = tempDir('remote-run');
  const key = FileControlPlaneKey.loadOrCreate(dir, SecretBox.openOrCreate(dir), 'pressluft@bench');
  writeFileSync(join(dir, 'cp.pub'), key.publicKey() + '\n');
  // OpenSSH needs the private key as a file for the by-hand side.
  writeFileSync(join(dir, 'id'), key.privateKey(), { mode: 0o600 });
  await ensureTemplate();
  const node = await upNode('full', 0, [join(dir, 'cp.pub')]);
  try {
    const address: NodeAddress = { nodeId: 'bench', host: node.ip, port: 22, user: 'root', hostKeyFingerprint: node.hostKeyFingerprint };
    const settings = loadSettings({ PRESSLUFT_DATA_DIR: dir });
    const db = openDatabase({ file: join(dir, 'pressluft.db') });
    const shell = new Ssh2RemoteShell(key);
    const runner = new AnsibleRemoteRunner(shell, new SqliteRunStore(db), { playbooksDir: settings.playbooksDir, pollIntervalMs: settings.runPollMs });
    const first = await runner.run(address, 'ping', {}, ctx()); // uploads the bundle once
    const bundle = `/var/lib/pressluft/bundles/${(await shell.exec(address, ['sh', '-c', 'ls -1t /var/lib/pressluft/bundles | grep -v "^\\." | head -1'])).stdout.trim()}`;
    const sshArgs = ['-i', join(dir, 'id'), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${node.ip}`];
    const byHand = () =>
      sh([...sshArgs, `cd /tmp && ANSIBLE_CONFIG=${bundle}/ansible.cfg PL_RUN_DIR=/tmp/pl-bench-hand ansible-playbook -c local -i localhost, ${bundle}/ping.yml >/dev/null`]);
    await byHand();
    log(`remote run: first ping run ${first.runId}, bundle ${bundle}`);

    const product: number[] = [];
    const baseline: number[] = [];
    for (let r = 0; r < PLAYBOOK_ROUNDS; r++) {
      const order: Array<'p' | 'b'> = r % 2 === 0 ? ['p', 'b'] : ['b', 'p'];
      for (const side of order) {
        const s = nowMs();
        if (side === 'p') await runner.run(address, 'ping', {}, ctx());
        else await byHand();
        (side === 'p' ? product : baseline).push((nowMs() - s) / 1000);
      }
    }
    const p = median(product);
    const b = median(baseline);
    const limit = b * 1.1 + 1;
    log(`remote run: ping.yml Pressluft ${p.toFixed(2)} s, by hand ${b.toFixed(2)} s (limit ${limit.toFixed(2)} s)`);

    // SSH command: pooled vs fresh connection each time.
    const pooledMs: number[] = [];
    const freshMs: number[] = [];
    for (let i = 0; i < EXEC_OPS; i++) {
      let s = nowMs();
      await shell.exec(address, ['true']);
      pooledMs.push(nowMs() - s);
      s = nowMs();
      const fresh = new Ssh2RemoteShell(key);
      await fresh.exec(address, ['true']);
      await fresh.close();
      freshMs.push(nowMs() - s);
    }
    await shell.close();
    db.close();
    const pooled = median(pooledMs);
    const freshMedian = median(freshMs);
    log(`remote run: exec pooled ${pooled.toFixed(1)} ms, fresh ${freshMedian.toFixed(1)} ms`);
    return {
      id: 'remote-run',
      title: 'e. Remote runs on a test node',
      setup: [
        `A full test node (systemd-nspawn, Debian 12, ansible-core) at ${node.ip}, reached as root over SSH; control plane in this process`,
        `ping.yml: ${PLAYBOOK_ROUNDS} alternating rounds per side, median; Pressluft = AnsibleRemoteRunner.run with the default poll interval (${settings.runPollMs} ms); by hand = one OpenSSH command running \`ansible-playbook -c local\` on the same bundle`,
        `SSH command \`true\`: ${EXEC_OPS} alternating ops, median latency`,
      ],
      results: [
        {
          id: 'remote-run-ping',
          title: 'ping.yml run (runs/min)',
          unit: 'runs/min',
          product: 60 / p,
          productLabel: 'Pressluft detached run',
          baseline: 60 / b,
          baselineLabel: 'ansible-playbook by hand over SSH',
          notes: [
            `Pressluft ${p.toFixed(2)} s per run, by hand ${b.toFixed(2)} s; overhead ${(p - b).toFixed(2)} s; goal ≤ 10 % + 1 s = ${limit.toFixed(2)} s: ${p <= limit ? 'met' : '**not met**'}`,
            `rounds (s): Pressluft ${product.map((x) => x.toFixed(2)).join(', ')}; by hand ${baseline.map((x) => x.toFixed(2)).join(', ')}`,
          ],
        },
        {
          id: 'remote-run-exec',
          title: 'SSH command (ops/s)',
          unit: 'ops/s',
          product: 1000 / pooled,
          productLabel: 'pooled ssh2 connection',
          baseline: 1000 / freshMedian,
          baselineLabel: 'fresh connection per command',
          notes: [`median latency: pooled ${pooled.toFixed(1)} ms, fresh ${freshMedian.toFixed(1)} ms (${fmt(freshMedian / pooled, 1)}×)`],
        },
      ],
      seconds: (nowMs() - t0) / 1000,
    };
  } finally {
    await downNode(node);
  }
}
