/**
 * d. GET /api/v1/sites?limit=100 with 10,000 sites: the real Nest app (createHttpApp) against a bare
 * Fastify route running the same SQL on the same file. autocannon, 50 connections, 10 s, 127.0.0.1 only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ALL_PROJECTIONS } from '../src/application/projections/all-projections';
import { rebuildProjections } from '../src/infrastructure/event-store/projection-rebuilder';
import { openBenchDb, tempDir } from './support/env';
import { generateEventLog } from './support/event-log';
import type { BenchSection } from './support/report';
import { fmt, log, nowMs } from './support/timing';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const autocannon = require('autocannon') as (opts: object) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  throughput: { average: number };
}

const SITES = 10_000;
const PATH = '/api/v1/sites?limit=100';
const DURATION_S = 10;
const CONNECTIONS = 50;

async function startServer(mode: 'nest' | 'bare', dataDir: string, dbFile: string): Promise<{ child: ChildProcess; url: string; headers: Record<string, string> }> {
  const child = fork(join(__dirname, 'support', 'http-server.ts'), [mode, dataDir, dbFile], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, PRESSLUFT_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port, token } = await new Promise<{ port: number; token?: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; token?: string }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, headers: token ? { authorization: `Bearer ${token}` } : {} };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<AutocannonResult> {
  return autocannon({ url: url + PATH, connections: CONNECTIONS, duration: seconds, headers });
}

export async function run(): Promise<BenchSection> {
  const t0 = nowMs();
  const dir = tempDir('http');
  const dbFile = join(dir, 'pressluft.db');
  const db = openBenchDb(dbFile, 'NORMAL');
  generateEventLog(db, { sites: SITES, deploysPerSite: 0 });
  const rebuilt = rebuildProjections(db, ALL_PROJECTIONS);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  log(`http: ${fmt(rebuilt.rows.rm_sites)} sites in ${dirname(dbFile)}`);

  const results: Record<string, AutocannonResult> = {};
  const bodies: Record<string, string> = {};
  for (const mode of ['bare', 'nest'] as const) {
    const { child, url, headers } = await startServer(mode, dir, dbFile);
    try {
      const res = await fetch(url + PATH, { headers });
      bodies[mode] = await res.text();
      if (res.status !== 200) throw new Error(`${mode}: HTTP ${res.status} ${bodies[mode].slice(0, 200)}`);
      await load(url, headers, 2); // warm-up (JIT, statement cache, page cache)
      results[mode] = await load(url, headers, DURATION_S);
      log(`http ${mode}: ${fmt(results[mode].requests.average)} req/s p99 ${results[mode].latency.p99} ms`);
    } finally {
      await stopServer(child);
    }
  }
  const same = bodies.nest === bodies.bare;
  const n = results.nest;
  const b = results.bare;
  const items = (JSON.parse(bodies.nest) as { items: unknown[] }).items.length;
  return {
    id: 'sites-list-http',
    title: 'd. GET /api/v1/sites?limit=100',
    setup: [
      `${fmt(SITES)} sites in rm_sites (written by rebuildProjections from a generated log), one temp file, synchronous=NORMAL; ${items} items per response, ${fmt(bodies.nest.length)} bytes; response bodies of both servers ${same ? 'byte-identical' : '**differ**'}.`,
      'Product: createHttpApp (NestJS 12 on Fastify 5, authenticated with a read-only API token on every request: global ValidationPipe on ListSitesQueryDto, ApiErrorFilter, metrics onResponse hook, QueryBus → ListSitesHandler → readPage via SqliteSqlReader), PRESSLUFT_LOG_LEVEL=warn, worker off.',
      'Baseline: bare Fastify 5 route running the same SQL text on the same file with a prepared statement, mapping rows with the same toPage/toSiteSummary.',
      `Each server in its own child process on 127.0.0.1 and a free port; autocannon in the parent, ${CONNECTIONS} connections, 2 s warm-up then ${DURATION_S} s measured, one server at a time.`,
    ],
    results: [
      {
        id: 'sites-list-http',
        title: 'd. GET /api/v1/sites?limit=100, 10k sites',
        unit: 'req/s',
        product: n.requests.average,
        productLabel: 'Nest app',
        baseline: b.requests.average,
        baselineLabel: 'bare Fastify route',
        goal: 0.7,
        notes: [
          `p99 latency: Nest ${n.latency.p99} ms, bare ${b.latency.p99} ms (p50 ${n.latency.p50} / ${b.latency.p50} ms)`,
          `errors/timeouts/non-2xx: Nest ${n.errors}/${n.timeouts}/${n.non2xx}, bare ${b.errors}/${b.timeouts}/${b.non2xx}`,
        ],
      },
    ],
    seconds: (nowMs() - t0) / 1000,
  };
}

if (require.main === module) {
  void run().then((s) => console.log(JSON.stringify(s, null, 2)));
}
