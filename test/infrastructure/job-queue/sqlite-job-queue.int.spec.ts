import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobFailure, type JobHandler } from '../../../src/application/ports/job-queue.port';
import { type Database, immediate, openDatabase } from '../../../src/infrastructure/sqlite/database';
import { JobWorker } from '../../../src/infrastructure/job-queue/job-worker';
import { CLAIM_SQL, SqliteJobQueue, backoffDelayMs } from '../../../src/infrastructure/job-queue/sqlite-job-queue';

const K = ['test.a'];
const LEASE = 10_000;

describe('SqliteJobQueue (real SQLite file)', () => {
  let dir: string;
  let db: Database;
  let clock: { t: number; nowMs(): number };
  let rnd: number;
  let q: SqliteJobQueue;
  let n = 0;
  const enq = (extra: Partial<Parameters<SqliteJobQueue['enqueue']>[0]> = {}) =>
    q.enqueue({ id: `j${++n}`, kind: 'test.a', payload: { n }, correlationId: 'c', actor: 'system', ...extra });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pressluft-queue-'));
    db = openDatabase({ file: join(dir, 'db.sqlite') });
    clock = { t: 1_000_000, nowMs: () => clock.t };
    rnd = 0.5;
    q = new SqliteJobQueue(db, clock, () => rnd, { backoffBaseMs: 100, backoffMaxMs: 1_000 });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enqueues, claims the oldest ready job and completes it', () => {
    const a = enq();
    clock.t += 1;
    enq();
    expect(a).toEqual({ id: `j${n - 1}`, kind: 'test.a', created: true });
    expect(q.claim('w1', ['other.kind'], LEASE)).toBeUndefined(); // unknown kinds are never claimed
    const job = q.claim('w1', K, LEASE)!;
    expect(job).toMatchObject({ id: a.id, state: 'running', attempt: 1, leaseOwner: 'w1', leaseExpiresAt: clock.t + LEASE });
    expect(job.payload).toEqual({ n: n - 1 });
    expect(q.complete(job.id, 'w1')).toBe(true);
    expect(q.complete(job.id, 'w1')).toBe(false); // only once
    expect(q.get(job.id)!.state).toBe('succeeded');
    expect(q.counts()).toMatchObject({ succeeded: 1, queued: 1, running: 0 });
  });

  it('respects delayMs and reports the next due time', () => {
    const j = enq({ delayMs: 500 });
    expect(q.claim('w1', K, LEASE)).toBeUndefined();
    expect(q.nextRunAfter(K)).toBe(clock.t + 500);
    // A worker whose last empty claim was before the job fell due still hears of it (and claims at once);
    // asked from now, a due job is no longer "next".
    const emptyClaimAt = clock.t;
    clock.t += 600;
    expect(q.nextRunAfter(K, emptyClaimAt)).toBe(emptyClaimAt + 500);
    expect(q.nextRunAfter(K)).toBeUndefined();
    expect(q.claim('w1', K, LEASE)!.id).toBe(j.id);
  });

  it('dedups unfinished jobs by dedup key, inside an outer transaction too', () => {
    const first = enq({ dedupKey: 'd' });
    const second = immediate(db, () => enq({ dedupKey: 'd' }));
    expect(second).toEqual({ id: first.id, kind: 'test.a', created: false });
    expect(q.counts().queued).toBe(1);
    q.complete(q.claim('w1', K, LEASE)!.id, 'w1');
    expect(enq({ dedupKey: 'd' }).created).toBe(true); // finished jobs do not block
    expect(() => q.enqueue({ id: first.id, kind: 'test.a', payload: {}, correlationId: 'c', actor: 'a' })).toThrow(/UNIQUE/);
  });

  it('runs at most one job per concurrency key', () => {
    const a = enq({ concurrencyKey: 'site:1' });
    const b = enq({ concurrencyKey: 'site:1' });
    const c = enq({ concurrencyKey: 'site:2' });
    expect(q.claim('w1', K, LEASE)!.id).toBe(a.id);
    expect(q.claim('w2', K, LEASE)!.id).toBe(c.id); // b is skipped, not blocking others
    expect(q.claim('w3', K, LEASE)).toBeUndefined();
    q.complete(a.id, 'w1');
    expect(q.claim('w3', K, LEASE)!.id).toBe(b.id);
  });

  it('backs off exponentially with full jitter and fails after max attempts', () => {
    expect(backoffDelayMs(1, 100, 1_000, () => 1)).toBe(100);
    expect(backoffDelayMs(3, 100, 1_000, () => 1)).toBe(400);
    expect(backoffDelayMs(5, 100, 1_000, () => 1)).toBe(1_000); // capped
    expect(backoffDelayMs(50, 100, 1_000, () => 0.25)).toBe(250);
    const j = enq({ maxAttempts: 3 });
    const err = { code: 'REMOTE_RUN_FAILED', message: 'boom' };
    const expected = [50, 100]; // rnd 0.5 * 100, 0.5 * 200
    for (const delay of expected) {
      q.claim('w1', K, LEASE);
      expect(q.fail(j.id, 'w1', err, { retryable: true })).toBe('retry_wait');
      expect(q.get(j.id)).toMatchObject({ state: 'retry_wait', runAfter: clock.t + delay, lastError: err, leaseOwner: null });
      expect(q.claim('w1', K, LEASE)).toBeUndefined(); // not due yet
      clock.t += delay;
    }
    expect(q.claim('w1', K, LEASE)!.attempt).toBe(3);
    expect(q.fail(j.id, 'w1', err, { retryable: true })).toBe('failed');
    expect(q.get(j.id)!.state).toBe('failed');
  });

  it('fails at once when not retryable', () => {
    const j = enq();
    q.claim('w1', K, LEASE);
    expect(q.fail(j.id, 'w1', { code: 'X', message: 'no' }, { retryable: false })).toBe('failed');
  });

  it('cancels waiting jobs at once and running jobs cooperatively', () => {
    const waiting = enq();
    expect(q.requestCancel(waiting.id)).toBe('cancelled');
    expect(q.claim('w1', K, LEASE)).toBeUndefined();
    const running = enq();
    q.claim('w1', K, LEASE);
    expect(q.isCancelRequested(running.id)).toBe(false);
    expect(q.requestCancel(running.id)).toBe('requested');
    expect(q.heartbeat(running.id, 'w1', LEASE)).toBe(false);
    expect(q.isCancelRequested(running.id)).toBe(true);
    // A cancel-pending job is not retried even if the handler fails retryably.
    expect(q.fail(running.id, 'w1', { code: 'X', message: 'aborted' }, { retryable: true })).toBe('failed');
    expect(q.requestCancel(running.id)).toBe(false); // finished
    const other = enq();
    q.claim('w1', K, LEASE);
    q.requestCancel(other.id);
    expect(q.markCancelled(other.id, 'w2')).toBe(false);
    expect(q.markCancelled(other.id, 'w1')).toBe(true);
    expect(q.get(other.id)!.state).toBe('cancelled');
  });

  it('retries failed and cancelled jobs from attempt 0, but never breaks dedup', () => {
    const j = enq({ dedupKey: 'k' });
    expect(q.retry(j.id)).toBe(false); // queued: nothing to retry
    q.requestCancel(j.id);
    expect(q.retry(j.id)).toBe(true);
    expect(q.get(j.id)).toMatchObject({ state: 'queued', attempt: 0, cancelRequested: false });
    q.claim('w1', K, LEASE);
    q.requestCancel(j.id);
    q.markCancelled(j.id, 'w1');
    const newer = enq({ dedupKey: 'k' });
    expect(newer.created).toBe(true);
    expect(q.retry(j.id)).toBe(false); // another unfinished job holds the dedup key
  });

  it('guards every running-job op by the lease owner', () => {
    const j = enq();
    q.claim('w1', K, LEASE);
    expect(q.heartbeat(j.id, 'w2', LEASE)).toBe(false);
    expect(q.setRemoteRunId(j.id, 'w2', 'r')).toBe(false);
    expect(q.complete(j.id, 'w2')).toBe(false);
    expect(q.fail(j.id, 'w2', { code: 'X', message: 'x' }, { retryable: true })).toBe(false);
    expect(q.setRemoteRunId(j.id, 'w1', 'run-1')).toBe(true);
    clock.t += 5;
    expect(q.heartbeat(j.id, 'w1', LEASE)).toBe(true);
    expect(q.get(j.id)).toMatchObject({ leaseExpiresAt: clock.t + LEASE, remoteRunId: 'run-1' });
  });

  it('sweeps expired leases so another worker re-attaches; the old owner can no longer finish', () => {
    const j = enq({ maxAttempts: 2, concurrencyKey: 'site:1' });
    const last = enq({ maxAttempts: 1 });
    q.claim('w1', K, LEASE);
    q.claim('w1', K, LEASE);
    q.setRemoteRunId(j.id, 'w1', 'run-9');
    clock.t += LEASE; // not yet expired (strictly later)
    expect(q.sweepExpiredLeases()).toEqual([]);
    clock.t += 1;
    const swept = q.sweepExpiredLeases();
    expect(swept.map((r) => [r.id, r.state]).sort()).toEqual([[j.id, 'retry_wait'], [last.id, 'failed']]);
    const again = q.claim('w2', K, LEASE)!;
    expect(again).toMatchObject({ id: j.id, attempt: 2, remoteRunId: 'run-9', leaseOwner: 'w2' });
    expect(q.complete(j.id, 'w1')).toBe(false); // the dead worker came back: too late
    expect(q.heartbeat(j.id, 'w1', LEASE)).toBe(false);
    expect(q.complete(j.id, 'w2')).toBe(true);
  });

  it('release gives the attempt back (graceful shutdown)', () => {
    const j = enq();
    q.claim('w1', K, LEASE);
    expect(q.release(j.id, 'w1')).toBe(true);
    expect(q.get(j.id)).toMatchObject({ state: 'queued', attempt: 0, leaseOwner: null });
  });

  it('claims through the jobs_ready covering index, never a table scan', () => {
    for (let i = 0; i < 200; i++) enq({ concurrencyKey: `site:${i % 10}` });
    db.exec('ANALYZE');
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${CLAIM_SQL}`).all({ worker: 'w', kinds: '[]', leaseMs: 1, now: 1 }) as {
      detail: string;
    }[]).map((r) => r.detail);
    const text = plan.join('\n');
    expect(text).toContain('USING COVERING INDEX jobs_ready');
    expect(plan.filter((d) => /^SCAN (jobs|j|r)\b/.test(d) && !/USING (COVERING )?INDEX/.test(d))).toEqual([]);
    expect(text).not.toMatch(/SCAN jobs\s*$/m);
  });
});

describe('JobWorker', () => {
  let dir: string;
  let db: Database;
  let q: SqliteJobQueue;
  let n = 0;
  const enq = (kind: string, extra = {}) =>
    q.enqueue({ id: `w${++n}`, kind, payload: {}, correlationId: 'c', actor: 'system', ...extra });
  const until = async (cond: () => boolean, ms = 5_000) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pressluft-worker-'));
    db = openDatabase({ file: join(dir, 'db.sqlite'), synchronous: 'NORMAL' });
    q = new SqliteJobQueue(db, { nowMs: () => Date.now() }, Math.random, { backoffBaseMs: 5, backoffMaxMs: 20 });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs jobs on wake(), retries failures, fails non-retryable ones and cancels cooperatively', async () => {
    const events: string[] = [];
    let flaky = 0;
    const handlers: JobHandler[] = [
      { kind: 'ok', handle: async (ctx) => { ctx.log('hi'); ctx.setRemoteRunId('r1'); return { summary: { a: 1 } }; } },
      { kind: 'flaky', handle: async () => { if (++flaky < 3) throw new Error('transient'); } },
      { kind: 'fatal', handle: async () => { throw new JobFailure('REMOTE_RUN_FAILED', 'rc=2', false); } },
      {
        kind: 'slow',
        handle: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))),
      },
    ];
    const worker = new JobWorker({
      queue: q, handlers, workerId: 'w1', leaseMs: 1_000, heartbeatMs: 20, idlePollMs: 60_000, concurrency: 2,
      hooks: {
        onSucceeded: (j) => events.push(`ok:${j.kind}`),
        onFailed: (j, e, o) => events.push(`${o}:${j.kind}:${e.code}`),
        onCancelled: (j) => events.push(`cancel:${j.kind}`),
        onLog: (_, l) => events.push(`log:${l}`),
      },
    });
    worker.start();
    const ok = enq('ok');
    worker.wake();
    // idlePollMs is a minute and until() gives up after 5 s: only wake() (and, for the retries below,
    // the sleep until the next due time) can get these jobs done in time.
    await until(() => q.get(ok.id)!.state === 'succeeded');
    expect(q.get(ok.id)!.remoteRunId).toBe('r1');
    const flakyJob = enq('flaky');
    const fatal = enq('fatal');
    enq('unknown.kind');
    worker.wake();
    await until(() => q.get(flakyJob.id)!.state === 'succeeded' && q.get(fatal.id)!.state === 'failed');
    expect(q.get(flakyJob.id)!.attempt).toBe(3);
    const slow = enq('slow');
    worker.wake();
    await until(() => q.get(slow.id)!.state === 'running');
    q.requestCancel(slow.id);
    await until(() => q.get(slow.id)!.state === 'cancelled');
    await worker.stop();
    expect(events).toEqual(expect.arrayContaining(['log:hi', 'ok:ok', 'retry_wait:flaky:INTERNAL', 'ok:flaky', 'failed:fatal:REMOTE_RUN_FAILED', 'cancel:slow']));
    expect(q.counts().queued).toBe(1); // the unknown kind was never claimed
  });

  it('stop() aborts running handlers and releases their jobs', async () => {
    const worker = new JobWorker({
      queue: q, workerId: 'w1', idlePollMs: 10,
      handlers: [{ kind: 'slow', handle: (ctx) => new Promise((_, rej) => ctx.signal.addEventListener('abort', () => rej(new Error('x')))) }],
    });
    const j = enq('slow');
    worker.start();
    await until(() => q.get(j.id)!.state === 'running');
    await worker.stop();
    expect(q.get(j.id)).toMatchObject({ state: 'queued', attempt: 0 });
  });
});
