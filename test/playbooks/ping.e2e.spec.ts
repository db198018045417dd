/** ping.yml on a FULL node (ansible-core preinstalled): the JSON-lines events are written. Needs root. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downNode, ensureTemplate, TestNode, upNode } from '../support/test-nodes';
import { makeKeyPair, NodeSsh, statsOf, tmpDir } from './node-ssh';

jest.setTimeout(10 * 60_000);

describe('ping.yml on a full node', () => {
  let node: TestNode;
  let ssh: NodeSsh;
  let keyDir: string;

  beforeAll(async () => {
    keyDir = tmpDir('pl-pb-key-');
    const kg = await makeKeyPair(keyDir);
    if (kg.code !== 0) throw new Error(`ssh-keygen failed: ${kg.stderr}`);
    await ensureTemplate();
    node = await upNode('full', 0, [path.join(keyDir, 'id_ed25519.pub')]);
    ssh = new NodeSsh(node.ip, path.join(keyDir, 'id_ed25519'));
    await ssh.uploadBundle('/root/pl-bundle');
  });

  afterAll(async () => {
    if (node) await downNode(node);
    if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
  });

  it('writes task_start, runner_on_ok and playbook_on_stats to $PL_RUN_DIR/events.jsonl', async () => {
    const run = await ssh.runPlaybook('/root/pl-bundle', 'ping.yml', '/root/pl-runs/ping-1', {});
    console.log(`ping.yml on node ${node.n}: ${run.seconds.toFixed(1)} s`);
    expect(run.rc).toBe(0);
    const ev = run.events;
    expect(ev[0]).toMatchObject({ seq: 1, event: 'playbook_start', playbook: 'ping.yml' });
    expect(ev.filter((e) => e.event === 'task_start').map((e) => e.task)).toEqual(['Say hello', "Read the node's uptime"]);
    const oks = ev.filter((e) => e.event === 'runner_on_ok');
    expect(oks).toHaveLength(2);
    expect(oks[0]).toMatchObject({ task: 'Say hello', host: 'localhost', changed: false, msg: 'pong from localhost' });
    expect(oks[1]).toMatchObject({ task: "Read the node's uptime", changed: false });
    expect(ev[ev.length - 1].event).toBe('playbook_on_stats');
    expect(statsOf(run)).toMatchObject({ ok: 2, changed: 0, failures: 0, unreachable: 0, skipped: 0 });
    expect(ev.map((e) => e.seq)).toEqual(ev.map((_, i) => i + 1));
    for (const e of ev) expect(Number.isNaN(Date.parse(e.ts))).toBe(false);
    // one object per line, newline-terminated (the control plane reads by byte offset)
    const raw = await ssh.shOk('tail -c 1 /root/pl-runs/ping-1/events.jsonl | od -An -c');
    expect(raw.trim()).toBe('\\n');
  });
});
