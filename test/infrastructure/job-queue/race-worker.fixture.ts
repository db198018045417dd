/**
 * A worker process for job-queue-race.int.spec.ts: `race-worker.fixture.ts <db file> <worker id> <concurrency>`.
 * Runs kind 'test.record' jobs and records every execution in race_log (created by the test).
 * Says 'ready' over IPC; on 'stop' it stops gracefully and exits.
 */
import { setImmediate as tick, setTimeout as delay } from 'node:timers/promises';
import type { JobHandler } from '../../../src/application/ports/job-queue.port';
import { JobWorker, type WorkerQueue } from '../../../src/infrastructure/job-queue/job-worker';
import { SqliteJobQueue } from '../../../src/infrastructure/job-queue/sqlite-job-queue';
import { immediate, openDatabase } from '../../../src/infrastructure/sqlite/database';

const [file, workerId, concurrency] = process.argv.slice(2);
// NORMAL: no fsync per commit; durability across power loss is not what this test is about.
const db = openDatabase({ file, synchronous: 'NORMAL' });
const queue = new SqliteJobQueue(db, { nowMs: () => Date.now() });
const start = db.prepare('INSERT INTO race_log (job_id, worker, started_ms) VALUES (?, ?, ?)');
const end = db.prepare('UPDATE race_log SET ended_ms = ? WHERE exec_id = ?');
const succeeded = db.prepare('UPDATE race_log SET succeeded = 1 WHERE exec_id = ?');
const execs = new Map<string, number | bigint>();

// Like the lead's wiring of job events: the success record commits atomically with the queue op,
// so "succeeded exactly once" holds even if the process is killed between the two.
const wrapped: WorkerQueue = {
  claim: (...a) => queue.claim(...a),
  nextRunAfter: (...a) => queue.nextRunAfter(...a),
  heartbeat: (...a) => queue.heartbeat(...a),
  isCancelRequested: (...a) => queue.isCancelRequested(...a),
  fail: (...a) => queue.fail(...a),
  release: (...a) => queue.release(...a),
  markCancelled: (...a) => queue.markCancelled(...a),
  setRemoteRunId: (...a) => queue.setRemoteRunId(...a),
  sweepExpiredLeases: () => queue.sweepExpiredLeases(),
  complete: (jobId, worker) =>
    immediate(db, () => {
      const ok = queue.complete(jobId, worker);
      if (ok) succeeded.run(execs.get(jobId));
      return ok;
    }),
};

const handler: JobHandler = {
  kind: 'test.record',
  async handle({ job }) {
    const execId = start.run(job.id, workerId, Date.now()).lastInsertRowid;
    execs.set(job.id, execId);
    // Simulated async work: a few event-loop turns and a 1-3 ms timer.
    for (let i = 0; i < 3; i++) await tick();
    await delay(1 + Math.floor(Math.random() * 3));
    end.run(Date.now(), execId);
  },
};

const worker = new JobWorker({
  queue: wrapped,
  handlers: [handler],
  workerId,
  concurrency: Number(concurrency),
  leaseMs: 1_500,
  heartbeatMs: 250,
  sweepEveryMs: 200,
  idlePollMs: 50,
  hooks: { onError: (e) => console.error(`[${workerId}]`, e) },
});
worker.start();
process.send?.('ready');
process.on('message', (msg) => {
  if (msg !== 'stop') return;
  void worker.stop().then(() => {
    db.close();
    process.exit(0);
  });
});
