/**
 * A worker process for remote-steps.e2e.spec.ts:
 *   step-worker.fixture.ts <db file> <data dir> <node json> <hold|go>
 * Runs kind 'test.steps' jobs: two steps (ping.yml as step "first", then as step "second") through the
 * real runner, records what each attempt saw in step_log (created by the test), then completes — or,
 * with "hold", says 'runs-done' over IPC and hangs until it is killed (between the remote runs' end and
 * the job's completion). A job with payload.failFirstRun fails after its steps in its first run.
 */
import { resolve } from 'node:path';
import { JobFailure, type JobHandler } from '../../../src/application/ports/job-queue.port';
import type { NodeAddress } from '../../../src/application/ports/remote-shell.port';
import { JobWorker, type WorkerQueue } from '../../../src/infrastructure/job-queue/job-worker';
import { SqliteJobQueue } from '../../../src/infrastructure/job-queue/sqlite-job-queue';
import { AnsibleRemoteRunner } from '../../../src/infrastructure/remote-runner/ansible-remote-runner';
import { SqliteRunStore } from '../../../src/infrastructure/remote-runner/sqlite-run-store';
import { SecretBox } from '../../../src/infrastructure/secrets/secret-box';
import { openDatabase } from '../../../src/infrastructure/sqlite/database';
import { FileControlPlaneKey } from '../../../src/infrastructure/ssh/file-control-plane-key';
import { Ssh2RemoteShell } from '../../../src/infrastructure/ssh/ssh2-remote-shell';

const [file, dataDir, nodeJson, mode] = process.argv.slice(2);
const node = JSON.parse(nodeJson) as NodeAddress;
const db = openDatabase({ file });
const queue = new SqliteJobQueue(db, { nowMs: () => Date.now() });
const shell = new Ssh2RemoteShell(FileControlPlaneKey.loadOrCreate(dataDir, SecretBox.openOrCreate(dataDir)));
const runner = new AnsibleRemoteRunner(shell, new SqliteRunStore(db), { playbooksDir: resolve(__dirname, '../../../playbooks'), pollIntervalMs: 200 });
const record = db.prepare(
  `INSERT INTO step_log (job_id, pid, attempt, run, first_run, first_recorded, second_run, second_recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
);

const wrapped: WorkerQueue = {
  claim: (...a) => queue.claim(...a),
  nextRunAfter: (...a) => queue.nextRunAfter(...a),
  heartbeat: (...a) => queue.heartbeat(...a),
  isCancelRequested: (...a) => queue.isCancelRequested(...a),
  fail: (id, worker, error, opts) => queue.fail(id, worker, error, opts),
  release: (...a) => queue.release(...a),
  markCancelled: (...a) => queue.markCancelled(...a),
  setRemoteRunId: (...a) => queue.setRemoteRunId(...a),
  sweepExpiredLeases: () => queue.sweepExpiredLeases(),
  complete: (id, worker) => queue.complete(id, worker),
};

const handler: JobHandler = {
  kind: 'test.steps',
  async handle(ctx) {
    const first = await runner.run(node, 'ping', {}, ctx, { step: 'first' });
    const second = await runner.run(node, 'ping', {}, ctx, { step: 'second' });
    record.run(ctx.job.id, process.pid, ctx.job.attempt, ctx.job.run, first.runId, first.recorded ? 1 : 0, second.runId, second.recorded ? 1 : 0);
    if (ctx.job.payload.failFirstRun === true && ctx.job.run === 1) throw new JobFailure('REMOTE_RUN_FAILED', 'failed after its steps (test)', false);
    if (mode === 'hold') {
      process.send?.('runs-done');
      await new Promise(() => undefined); // killed here
    }
    return { summary: { first: first.runId, second: second.runId } };
  },
};

const worker = new JobWorker({
  queue: wrapped,
  handlers: [handler],
  workerId: `${mode}-${process.pid}`,
  leaseMs: 3_000,
  heartbeatMs: 500,
  sweepEveryMs: 500,
  idlePollMs: 200,
  hooks: { onError: (e) => console.error(`[worker ${process.pid}]`, e) },
});
worker.start();
process.send?.('ready');
process.on('message', (msg) => {
  if (msg !== 'stop') return;
  void worker.stop().then(async () => {
    await shell.close();
    db.close();
    process.exit(0);
  });
});
