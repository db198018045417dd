import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteJobQueue } from '../../../src/infrastructure/job-queue/sqlite-job-queue';
import { type Database, immediate, openDatabase } from '../../../src/infrastructure/sqlite/database';

const JOBS = 1_000;
const SITES = 50;
const FIXTURE = join(__dirname, 'race-worker.fixture.ts');

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Exec {
  job_id: string;
  worker: string;
  started_ms: number;
  ended_ms: number | null;
  succeeded: number;
  site: string;
}

describe('job queue: two worker processes race on one SQLite file', () => {
  let dir: string;
  let db: Database;
  const children: ChildProcess[] = [];

  const spawnWorker = async (id: string): Promise<ChildProcess> => {
    const child = fork(FIXTURE, [join(dir, 'db.sqlite'), id, '2'], {
      cwd: join(__dirname, '../../..'),
      execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const [msg] = await once(child, 'message');
    expect(msg).toBe('ready');
    return child;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pressluft-race-'));
    db = openDatabase({ file: join(dir, 'db.sqlite') });
    db.exec(`CREATE TABLE race_log (exec_id INTEGER PRIMARY KEY, job_id TEXT NOT NULL, worker TEXT NOT NULL,
      started_ms INTEGER NOT NULL, ended_ms INTEGER, succeeded INTEGER NOT NULL DEFAULT 0)`);
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs 1,000 jobs exactly once, one at a time per site, and loses none when a worker is SIGKILLed', async () => {
    const [a, b] = await Promise.all([spawnWorker('A'), spawnWorker('B')]);
    const queue = new SqliteJobQueue(db, { nowMs: () => Date.now() });
    immediate(db, () => {
      for (let i = 0; i < JOBS; i++) {
        queue.enqueue({
          id: `job-${String(i).padStart(4, '0')}`,
          kind: 'test.record',
          payload: { i },
          concurrencyKey: `site:${i % SITES}`,
          correlationId: 'race',
          actor: 'system',
        });
      }
    });

    // Kill A mid-run: after ~100 successes, at a moment it holds a running job.
    const doneBy = db.prepare('SELECT count(*) AS n FROM race_log WHERE worker = ? AND succeeded = 1').pluck();
    const runningBy = db.prepare(`SELECT id FROM jobs WHERE state = 'running' AND lease_owner = ?`).pluck();
    await until('A to finish 100 jobs while holding one', () => (doneBy.get('A') as number) >= 100 && runningBy.all('A').length > 0);
    a.kill('SIGKILL');
    const killedAt = Date.now();
    await once(a, 'exit');
    // A is dead: whatever it still holds is exactly what it was running when killed.
    const held = new Set(runningBy.all('A') as string[]);
    expect(held.size).toBeGreaterThan(0);

    await until('all jobs to succeed', () => queue.counts().succeeded === JOBS);
    b.send('stop');
    await once(b, 'exit');

    expect(queue.counts()).toMatchObject({ succeeded: JOBS, running: 0, queued: 0, retry_wait: 0, failed: 0 });
    const execs = db
      .prepare(`SELECT r.*, j.concurrency_key AS site FROM race_log r JOIN jobs j ON j.id = r.job_id ORDER BY site, started_ms, exec_id`)
      .all() as Exec[];
    const byJob = new Map<string, Exec[]>();
    for (const e of execs) byJob.set(e.job_id, [...(byJob.get(e.job_id) ?? []), e]);
    expect(byJob.size).toBe(JOBS);
    // Every job succeeded exactly once.
    for (const [, runs] of byJob) expect(runs.filter((r) => r.succeeded === 1)).toHaveLength(1);
    // Only jobs A held when killed may have started twice: A's unfinished run, then B's successful one.
    // (A held job may also have started once: A was killed after the claim, before the handler ran.)
    const doubled = [...byJob].filter(([, runs]) => runs.length > 1);
    expect(doubled.map(([id]) => id).filter((id) => !held.has(id))).toEqual([]);
    for (const id of held) expect(byJob.get(id)!.find((r) => r.succeeded === 1)).toMatchObject({ worker: 'B' });
    for (const [, runs] of doubled) {
      expect(runs).toHaveLength(2);
      expect(runs.find((r) => r.succeeded === 0)).toMatchObject({ worker: 'A' });
      expect(runs.find((r) => r.succeeded === 1)).toMatchObject({ worker: 'B' });
    }
    // Never two overlapping executions for one site (a killed run ends when A died).
    let overlaps = 0;
    let busyUntil = 0;
    for (let i = 0; i < execs.length; i++) {
      if (i > 0 && execs[i].site !== execs[i - 1].site) busyUntil = 0;
      if (execs[i].started_ms < busyUntil) overlaps++;
      busyUntil = Math.max(busyUntil, execs[i].ended_ms ?? killedAt);
    }
    expect(overlaps).toBe(0);
    // Both processes really raced.
    expect(execs.filter((e) => e.worker === 'B' && e.started_ms < killedAt).length).toBeGreaterThan(0);
  });
});
