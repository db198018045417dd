/**
 * One remote launch per operation step, on a real node: a worker process runs a two-step job (ping.yml
 * as steps "first" and "second") and is SIGKILLed after both remote runs ended but before the job
 * completed. The next attempt (another worker process, after the lease expired) launches nothing: it
 * reads both steps' recorded results and completes the job; pl-run's `launches` file of each run has one
 * line. An operator's retry of a failed job is a new run of it and launches both steps anew. Needs root (test nodes).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeAddress } from '../../../src/application/ports/remote-shell.port';
import { SqliteJobQueue } from '../../../src/infrastructure/job-queue/sqlite-job-queue';
import { SecretBox } from '../../../src/infrastructure/secrets/secret-box';
import { Database, openDatabase } from '../../../src/infrastructure/sqlite/database';
import { FileControlPlaneKey } from '../../../src/infrastructure/ssh/file-control-plane-key';
import { pollUntil } from '../../support/poll-until';
import { downNode, ensureTemplate, execOnNode, TestNode, upNode } from '../../support/test-nodes';

jest.setTimeout(10 * 60_000);

const FIXTURE = join(__dirname, 'step-worker.fixture.ts');

interface StepLog {
  pid: number;
  attempt: number;
  run: number;
  first_run: string;
  first_recorded: number;
  second_run: string;
  second_recorded: number;
}

describe('remote runs are launched once per step of a job run (real node)', () => {
  let dir: string;
  let db: Database;
  let node: TestNode;
  let address: NodeAddress;
  const children: ChildProcess[] = [];

  const spawnWorker = async (mode: 'hold' | 'go'): Promise<ChildProcess> => {
    const child = fork(FIXTURE, [join(dir, 'db.sqlite'), dir, JSON.stringify(address), mode], {
      cwd: join(__dirname, '../../..'),
      execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const [msg] = await once(child, 'message');
    expect(msg).toBe('ready');
    return child;
  };
  const stop = async (child: ChildProcess): Promise<void> => {
    child.send('stop');
    if (child.exitCode === null) await once(child, 'exit');
  };
  const launches = async (runId: string): Promise<number> => {
    const res = await execOnNode(node, ['cat', `/var/lib/pressluft/runs/${runId}/launches`]);
    if (res.code !== 0) throw new Error(`no launches file for ${runId}: ${res.stderr}`);
    return res.stdout.trim().split('\n').length;
  };
  const steps = (jobId: string): StepLog[] => db.prepare('SELECT * FROM step_log WHERE job_id = ? ORDER BY rowid').all(jobId) as StepLog[];
  const runsOf = (jobId: string): Array<{ run_id: string; job_run: number; step: string; state: string }> =>
    db.prepare('SELECT run_id, job_run, step, state FROM remote_runs WHERE job_id = ? ORDER BY created_at, rowid').all(jobId) as never;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pl-steps-'));
    const key = FileControlPlaneKey.loadOrCreate(dir, SecretBox.openOrCreate(dir));
    writeFileSync(join(dir, 'cp.pub'), key.publicKey() + '\n');
    await ensureTemplate();
    node = await upNode('full', 1, [join(dir, 'cp.pub')]);
    address = { nodeId: 'steps-node', host: node.ip, port: 22, user: 'root', hostKeyFingerprint: node.hostKeyFingerprint };
    db = openDatabase({ file: join(dir, 'db.sqlite') });
    db.exec(`CREATE TABLE step_log (job_id TEXT NOT NULL, pid INTEGER NOT NULL, attempt INTEGER NOT NULL, run INTEGER NOT NULL,
      first_run TEXT NOT NULL, first_recorded INTEGER NOT NULL, second_run TEXT NOT NULL, second_recorded INTEGER NOT NULL)`);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    db?.close();
    if (node) await downNode(node);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a worker killed between the runs\' end and the job\'s completion: the next attempt launches nothing and completes', async () => {
    const queue = new SqliteJobQueue(db, { nowMs: () => Date.now() });
    queue.enqueue({ id: 'job-steps-1', kind: 'test.steps', payload: {}, maxAttempts: 3, correlationId: 'steps', actor: 'system:test' });

    const holder = await spawnWorker('hold');
    const [msg] = await once(holder, 'message');
    expect(msg).toBe('runs-done');
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    const [first] = steps('job-steps-1');
    expect(first).toMatchObject({ pid: holder.pid, attempt: 1, run: 1, first_recorded: 0, second_recorded: 0 });
    expect(queue.get('job-steps-1')).toMatchObject({ state: 'running', attempt: 1 });

    const worker = await spawnWorker('go');
    const done = await pollUntil(() => {
      const j = queue.get('job-steps-1');
      return j && j.state === 'succeeded' ? j : null;
    }, { timeoutMs: 120_000, intervalMs: 200, description: 'job succeeded after the kill' });
    expect(done.attempt).toBe(2);
    const [, second] = steps('job-steps-1');
    expect(second).toMatchObject({ pid: worker.pid, attempt: 2, run: 1, first_run: first.first_run, first_recorded: 1, second_run: first.second_run, second_recorded: 1 });
    expect(runsOf('job-steps-1')).toEqual([
      { run_id: first.first_run, job_run: 1, step: 'first', state: 'succeeded' },
      { run_id: first.second_run, job_run: 1, step: 'second', state: 'succeeded' },
    ]);
    expect(await launches(first.first_run)).toBe(1);
    expect(await launches(first.second_run)).toBe(1);
    await stop(worker);
  });

  it('an operator\'s retry of a failed job is a new run of it: every step is launched anew, once', async () => {
    const queue = new SqliteJobQueue(db, { nowMs: () => Date.now() });
    queue.enqueue({ id: 'job-steps-2', kind: 'test.steps', payload: { failFirstRun: true }, maxAttempts: 1, correlationId: 'steps', actor: 'system:test' });
    const worker = await spawnWorker('go');
    await pollUntil(() => queue.get('job-steps-2')?.state === 'failed', { timeoutMs: 120_000, intervalMs: 200, description: 'first run failed' });
    expect(queue.retry('job-steps-2')).toBe(true);
    const done = await pollUntil(() => (queue.get('job-steps-2')?.state === 'succeeded' ? queue.get('job-steps-2') : null), {
      timeoutMs: 120_000,
      intervalMs: 200,
      description: 'second run succeeded',
    });
    expect(done).toMatchObject({ run: 2, attempt: 1 });
    const [one, two] = steps('job-steps-2');
    expect(one).toMatchObject({ run: 1, attempt: 1, first_recorded: 0, second_recorded: 0 });
    expect(two).toMatchObject({ run: 2, attempt: 1, first_recorded: 0, second_recorded: 0 });
    expect(new Set([one.first_run, one.second_run, two.first_run, two.second_run]).size).toBe(4);
    expect(runsOf('job-steps-2').map((r) => `${r.job_run}/${r.step}`)).toEqual(['1/first', '1/second', '2/first', '2/second']);
    for (const id of [one.first_run, one.second_run, two.first_run, two.second_run]) expect(await launches(id)).toBe(1);
    await stop(worker);
  });
});
