/**
 * (b) The control plane is killed mid-run and restarted: `pressluft serve` runs as a real process on
 * the built dist with its own data dir; it is SIGKILLed while a bootstrap run waits at its gate on a
 * REAL test node, started again on the same data dir, and the job re-attaches to the same run id and
 * completes: one launch on the node, one remote run in the database. bootstrap.yml is the gated
 * stand-in (test/support/test-bundle.ts). Needs root (test nodes); node slot 1 of this worker.
 */
import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited, freePort, queryDataDir, runCli, spawnCli } from '../../support/cli';
import { pollUntil } from '../../support/poll-until';
import { makeFakeBootstrapBundle } from '../../support/test-bundle';
import { downNode, ensureTemplate, execOnNode, TestNode, upNode } from '../../support/test-nodes';

jest.setTimeout(10 * 60_000);

describe('control plane killed mid-run and restarted (real process, real node)', () => {
  let dataDir: string;
  let bundle: ReturnType<typeof makeFakeBootstrapBundle>;
  let node: TestNode;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  const serve = (): ChildProcess => {
    const child = spawnCli(['serve'], env);
    child.stdout?.resume();
    child.stderr?.resume();
    children.push(child);
    return child;
  };
  const query = <T>(sql: string, ...params: unknown[]) => queryDataDir<T>(dataDir, sql, ...params);

  beforeAll(async () => {
    await ensureTemplate();
    dataDir = mkdtempSync(join(tmpdir(), 'pl-restart-data-'));
    bundle = makeFakeBootstrapBundle();
    env = {
      PRESSLUFT_DATA_DIR: dataDir,
      PRESSLUFT_PLAYBOOKS_DIR: bundle.dir,
      PRESSLUFT_HTTP_PORT: String(await freePort()),
      PRESSLUFT_JOB_LEASE_MS: '3000',
      PRESSLUFT_RUN_POLL_MS: '100',
      PRESSLUFT_HEALTH_CHECK_INTERVAL_MS: '0',
      PRESSLUFT_LOG_LEVEL: 'warn',
    };
    const key = await runCli(['ssh-key'], env);
    expect(key.code).toBe(0);
    expect(key.stdout).toMatch(/^ssh-ed25519 \S+ \S+\n$/);
    writeFileSync(join(dataDir, 'cp.pub'), key.stdout);
    node = await upNode('full', 1, [join(dataDir, 'cp.pub')]);
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (node) await downNode(node);
    bundle?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-attaches by run id after a SIGKILL and completes without a second launch', async () => {
    const added = await runCli(['local', 'node', 'add', '--name', 'restart-1', '--host', node.ip], env);
    expect(added.code).toBe(0);
    const { node: view, job } = JSON.parse(added.stdout);
    expect(view).toMatchObject({ name: 'restart-1', status: 'bootstrapping', hostKeyFingerprint: node.hostKeyFingerprint });
    expect(job).toMatchObject({ kind: 'node.bootstrap' });

    const first = serve();
    const run = await pollUntil(() => query<{ run_id: string }>(`SELECT run_id FROM remote_runs WHERE job_id = ? AND state = 'launched'`, job.id), {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: 'run launched',
    });
    const status = () => execOnNode(node, ['cat', `/var/lib/pressluft/runs/${run.run_id}/status`]).then((r) => r.stdout.trim());
    await pollUntil(async () => (await status()) === 'running', { timeoutMs: 30_000, intervalMs: 100, description: 'run running' });

    first.kill('SIGKILL');
    expect(await exited(first)).toMatchObject({ signal: 'SIGKILL' });
    expect(await status()).toBe('running'); // the run on the node does not depend on the control plane
    expect(query<{ state: string; attempt: number }>('SELECT state, attempt FROM jobs WHERE id = ?', job.id)).toEqual({ state: 'running', attempt: 1 });

    const second = serve();
    // The dead worker's lease expires; the new process claims the job again and attaches to the run.
    await pollUntil(() => query(`SELECT 1 FROM job_log WHERE job_id = ? AND text = ?`, job.id, `attaching to remote run ${run.run_id} (step bootstrap)`), {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: 'attached after restart',
    });
    await execOnNode(node, ['touch', '/var/lib/pressluft/gate']);
    const done = await pollUntil(
      () => query<{ state: string; attempt: number; remote_run_id: string }>(`SELECT state, attempt, remote_run_id FROM jobs WHERE id = ? AND state IN ('succeeded', 'failed')`, job.id),
      { timeoutMs: 60_000, intervalMs: 100, description: 'job finished' },
    );
    expect(done).toEqual({ state: 'succeeded', attempt: 2, remote_run_id: run.run_id });
    const launches = (await execOnNode(node, ['cat', `/var/lib/pressluft/runs/${run.run_id}/launches`])).stdout.trim().split('\n');
    expect(launches).toHaveLength(1);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM remote_runs WHERE job_id = ?', job.id)).toEqual({ n: 1 });
    expect((await execOnNode(node, ['sh', '-c', 'ls -1 /var/lib/pressluft/runs | wc -l'])).stdout.trim()).toBe('1');
    expect(query<{ status: string }>('SELECT status FROM rm_nodes WHERE id = ?', view.id)).toEqual({ status: 'ready' });
    const events = query<{ types: string }>(`SELECT group_concat(type, ',') AS types FROM (SELECT type FROM events WHERE stream_id = ? ORDER BY stream_version)`, `job-${job.id}`);
    expect(events?.types).toBe('JobQueued,JobStarted,JobRetryScheduled,JobStarted,JobSucceeded');

    second.kill('SIGTERM');
    expect(await exited(second)).toMatchObject({ code: 0 });
  });
});
