/**
 * c. Job claim + complete over 100,000 queued jobs: SqliteJobQueue.claim + complete against the same
 * claim UPDATE … RETURNING and complete UPDATE run directly on better-sqlite3.
 */
import type { Database } from '../src/infrastructure/sqlite/database';
import { CLAIM_SQL, SqliteJobQueue } from '../src/infrastructure/job-queue/sqlite-job-queue';
import { JOB_KINDS } from '../src/application/jobs/job-kinds';
import { openBenchDb, tempDbFile } from './support/env';
import type { BenchSection } from './support/report';
import { fmt, log, nowMs, paired } from './support/timing';

const JOBS = 100_000;
const ROUNDS = 5;
const KINDS = Object.values(JOB_KINDS);
const WORKER = 'worker-bench-1';
const LEASE_MS = 30_000;

/** 100,000 queued jobs as reactors enqueue them (one per site operation, site concurrency key, dedup key). */
function seed(db: Database): void {
  const queue = new SqliteJobQueue(db, { nowMs: () => Date.UTC(2025, 0, 1) });
  db.transaction(() => {
    for (let i = 0; i < JOBS; i++) {
      const siteId = `s${(i % 10_000).toString(36).padStart(20, '0')}`;
      queue.enqueue({
        id: `j${i.toString(36).padStart(24, '0')}`,
        kind: i % 10_000 === i ? JOB_KINDS.siteProvision : JOB_KINDS.siteDeploy,
        payload: { siteId, environment: 'production', deploymentId: `d${i}`, source: { type: 'git', ref: 'main' } },
        siteId,
        maxAttempts: 3,
        concurrencyKey: `site:${siteId}`,
        dedupKey: `job:${i}`,
        correlationId: `c${i}`,
        actor: 'user:bench',
      });
    }
  })();
}

export async function run(): Promise<BenchSection> {
  const t0 = nowMs();
  const clock = { nowMs: () => Date.now() };
  const files = { product: tempDbFile('claim-product'), raw: tempDbFile('claim-raw') };
  const product = openBenchDb(files.product, 'NORMAL');
  const raw = openBenchDb(files.raw, 'NORMAL');
  seed(product);
  seed(raw);
  log(`job claim: seeded 2 × ${fmt(JOBS)} jobs in ${((nowMs() - t0) / 1000).toFixed(1)} s`);

  const queue = new SqliteJobQueue(product, clock);
  const claim = raw.prepare(CLAIM_SQL);
  const complete = raw.prepare(`UPDATE jobs SET state = 'succeeded', lease_expires_at = NULL, finished_at = @now, updated_at = @now
        WHERE id = @id AND lease_owner = @worker AND state = 'running'`);
  const kinds = JSON.stringify(KINDS);

  const sides = [
    {
      name: 'product',
      run: (n: number) => {
        let done = 0;
        for (; done < n; done++) {
          const job = queue.claim(WORKER, KINDS, LEASE_MS);
          if (!job) break;
          if (!queue.complete(job.id, WORKER)) throw new Error('complete failed');
        }
        return done;
      },
    },
    {
      name: 'raw',
      run: (n: number) => {
        let done = 0;
        for (; done < n; done++) {
          const now = Date.now();
          const row = claim.get({ worker: WORKER, kinds, leaseMs: LEASE_MS, now }) as { id: string } | undefined;
          if (!row) break;
          if (complete.run({ id: row.id, worker: WORKER, now: Date.now() }).changes !== 1) throw new Error('complete failed');
        }
        return done;
      },
    },
  ];
  const r = await paired(sides, ROUNDS, JOBS / ROUNDS);
  const left = [product, raw].map((db) => db.prepare("SELECT COUNT(*) FROM jobs WHERE state <> 'succeeded'").pluck().get() as number);
  product.close();
  raw.close();
  log(`job claim: product ${fmt(r.rate.product)}/s raw ${fmt(r.rate.raw)}/s`);
  return {
    id: 'job-claim',
    title: 'c. Job claim + complete',
    setup: [
      `${fmt(JOBS)} queued jobs per side (10,000 site.provision + 90,000 site.deploy, each with a site concurrency key and a dedup key, enqueued with SqliteJobQueue.enqueue), each side on its own temp file; synchronous=NORMAL.`,
      'One operation = claim the oldest ready job (all 5 kinds) + mark it succeeded, one worker, until the queue is empty.',
      'Product: SqliteJobQueue.claim (BEGIN IMMEDIATE around CLAIM_SQL, row → JobRecord with JSON.parse of payload) + SqliteJobQueue.complete.',
      'Baseline: the same CLAIM_SQL statement (.get, autocommit) and the same complete UPDATE (.run, autocommit).',
    ],
    results: [
      {
        id: 'job-claim',
        title: 'c. Job claim + complete, 100k queued',
        unit: 'jobs/s',
        product: r.rate.product,
        productLabel: 'SqliteJobQueue.claim + complete',
        baseline: r.rate.raw,
        baselineLabel: 'raw CLAIM_SQL + complete UPDATE',
        goal: 0.6,
        notes: [
          `${ROUNDS} alternating rounds of ${fmt(JOBS / ROUNDS)} jobs per side, median shown; product rounds ${r.rounds.product.map((x) => fmt(x)).join(', ')}; raw rounds ${r.rounds.raw.map((x) => fmt(x)).join(', ')}`,
          `jobs not succeeded at the end: product ${left[0]}, raw ${left[1]}`,
        ],
      },
    ],
    seconds: (nowMs() - t0) / 1000,
  };
}

if (require.main === module) {
  void run().then((s) => console.log(JSON.stringify(s, null, 2)));
}
