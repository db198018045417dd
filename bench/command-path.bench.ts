/**
 * a. Command path: CreateSite through the real handler (validate, refuse taken slug/domain, read
 * node, DecideAndAppend: read stream, fold, decide, append with expected version in BEGIN IMMEDIATE,
 * hash chain, InlineProjections(ALL_PROJECTIONS), ALL_REACTORS -> SqliteJobQueue insert + JobQueued
 * event + its projections, command record) against raw better-sqlite3 running the same SQL.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EventBus } from '@nestjs/cqrs';
import type { Database, SynchronousMode } from '../src/infrastructure/sqlite/database';
import { DecideAndAppend } from '../src/application/common/decide-and-append';
import { ALL_PROJECTIONS } from '../src/application/projections/all-projections';
import { ALL_REACTORS } from '../src/application/reactors/all-reactors';
import { CreateSiteCommand } from '../src/application/sites/create-site/create-site.command';
import { CreateSiteHandler } from '../src/application/sites/create-site/create-site.handler';
import { InlineProjections } from '../src/infrastructure/event-store/inline-projections';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite-event-store';
import { SqliteJobQueue } from '../src/infrastructure/job-queue/sqlite-job-queue';
import { SqliteSqlReader } from '../src/infrastructure/sqlite/sqlite-sql-reader';
import { SortableIdGenerator } from '../src/infrastructure/system/sortable-id-generator';
import { SystemClock } from '../src/infrastructure/system/system-clock';
import { openBenchDb, tempDbFile } from './support/env';
import type { BenchResult, BenchSection } from './support/report';
import { fmt, log, nowMs, paired } from './support/timing';
import { SecretBox } from '../src/infrastructure/secrets/secret-box';
import { SqliteUnitOfWork } from '../src/infrastructure/sqlite/sqlite-unit-of-work';
import { SqliteSiteSecretStore } from '../src/infrastructure/secrets/sqlite-site-secret-store';
import { generateEnvironmentSecrets } from '../src/application/sites/site-jobs/generate-site-secrets';
import { Ssh2DeployKeyGenerator } from '../src/infrastructure/ssh/ssh2-deploy-key-generator';

const NODE_ID = 'benchnode0000000000000000a';

function seedNode(db: Database): void {
  const now = new Date().toISOString();
  db.prepare(
    `INSERT INTO rm_nodes (id, name, host, port, ssh_user, status, host_key_fingerprint, facts, version, created_at, updated_at)
     VALUES (?, 'bench-node', '10.0.0.1', 22, 'pressluft', 'ready', NULL, '{}', 3, ?, ?)`,
  ).run(NODE_ID, now, now);
}

/** The product path: the CreateSite command handler wired by hand exactly as infrastructure.providers does. */
function productSide(db: Database, tag: string): (i: number) => Promise<unknown> {
  const clock = new SystemClock();
  const ids = new SortableIdGenerator();
  const queue = new SqliteJobQueue(db, clock);
  const store = new SqliteEventStore(db, clock, ids, new InlineProjections(db, ALL_PROJECTIONS), ALL_REACTORS, queue);
  const doorbell = { publish: () => undefined } as unknown as EventBus; // no worker listening (workerEnabled=false)
  const secrets = new SqliteSiteSecretStore(db, SecretBox.fromKey(randomBytes(32)), clock);
  const handler = new CreateSiteHandler(new DecideAndAppend(store, store, clock, ids, doorbell), store, ids, new SqliteSqlReader(db), new SqliteUnitOfWork(db), secrets, new Ssh2DeployKeyGenerator());
  return (i) =>
    handler.execute(
      new CreateSiteCommand(
        { name: `${tag} Site ${i}`, nodeId: NODE_ID, domain: `${tag}-site-${i}.example.com`, adminEmail: `admin${i}@example.com` },
        { actor: 'user:bench', commandId: ids.newId(), correlationId: ids.newId() },
      ),
    );
}

/** Same SQL text the product prepares (projection SQL built the way InlineProjections.compile builds it). */
function projectionSql(table: string): { select: string; upsert: string } {
  const p = ALL_PROJECTIONS.find((x) => x.table === table);
  if (!p) throw new Error(table);
  const pk = p.primaryKey.map((c) => `${c} = ?`).join(' AND ');
  const updates = p.columns.filter((c) => !p.primaryKey.includes(c)).map((c) => `${c} = excluded.${c}`);
  return {
    select: `SELECT ${p.columns.join(', ')} FROM ${p.table} WHERE ${pk}`,
    upsert: `INSERT INTO ${p.table} (${p.columns.join(', ')}) VALUES (${p.columns.map(() => '?').join(', ')})
       ON CONFLICT (${p.primaryKey.join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
  };
}

/** The baseline: the same statements in the same order, hand-written JS, no framework objects. */
function rawSide(db: Database, tag: string): (i: number) => Promise<unknown> {
  const one = (sql: string) => db.prepare(sql);
  const site = projectionSql('rm_sites');
  const env = projectionSql('rm_environments');
  const stream = projectionSql('rm_streams');
  const job = projectionSql('rm_jobs');
  const s = {
    commandResult: one('SELECT result, request_hash AS requestHash FROM processed_commands WHERE command_id = ?'),
    slugTaken: one("SELECT 1 FROM rm_environments WHERE env_slug = ? OR substr('s-' || env_slug, 1, 32) = ?"),
    domainTaken: one(`SELECT 1 FROM rm_environment_domains d JOIN rm_sites s ON s.id = d.site_id
     WHERE d.domain = ? AND s.state <> 'DELETED' AND d.site_id <> ? LIMIT 1`),
    node: one('SELECT id, status, facts FROM rm_nodes WHERE id = ?'),
    secretInsert: one('INSERT INTO site_secrets (site_id, environment, sealed, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    secretGet: one('SELECT sealed FROM site_secrets WHERE site_id = ? AND environment = ?'),
    readStream: one('SELECT * FROM events WHERE stream_id = ? ORDER BY stream_version'),
    streamVersion: one('SELECT MAX(stream_version) FROM events WHERE stream_id = ?').pluck(),
    head: one('SELECT global_position AS position, hash FROM events ORDER BY global_position DESC LIMIT 1'),
    insert: one(`INSERT INTO events
        (global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    siteSel: one(site.select),
    siteUp: one(site.upsert),
    envSel: one(env.select),
    envUp: one(env.upsert),
    streamSel: one(stream.select),
    streamUp: one(stream.upsert),
    jobSel: one(job.select),
    jobUp: one(job.upsert),
    jobInsert: one(`INSERT INTO jobs (id, kind, payload, state, attempt, max_attempts, run_after, priority,
          concurrency_key, dedup_key, site_id, node_id, correlation_id, actor, created_at, updated_at)
        VALUES (@id, @kind, @payload, 'queued', 0, @maxAttempts, @runAfter, @priority,
          @concurrencyKey, @dedupKey, @siteId, @nodeId, @correlationId, @actor, @now, @now)
        ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL AND state IN ('queued', 'running', 'retry_wait') DO NOTHING`),
    record: one('INSERT INTO processed_commands (command_id, stream_id, result, recorded_at, request_hash) VALUES (?, ?, ?, ?, ?)'),
  };
  const box = SecretBox.fromKey(randomBytes(32));
  const deployKeys = new Ssh2DeployKeyGenerator();
  const prefix = randomBytes(6).toString('hex');
  let seq = 0;
  const id = () => `${prefix}${(seq++).toString(36).padStart(14, '0')}`;
  const hashOf = (prev: string, ...fields: (string | number)[]) =>
    createHash('sha256').update(prev).update('\n').update(fields.join('|')).digest('hex');

  const append = db.transaction((commandId: string, siteId: string, name: string, slug: string, domain: string, email: string) => {
    s.commandResult.get(commandId);
    const streamId = `site-${siteId}`;
    const version = ((s.streamVersion.get(streamId) as number | null) ?? 0) + 1;
    const head = s.head.get() as { position: number; hash: string } | undefined;
    let pos = (head?.position ?? 0) + 1;
    const now = new Date().toISOString();
    const meta = { actor: 'user:bench', causationId: commandId, commandId, correlationId: commandId };
    const environment = { domains: [domain], envSlug: slug, name: 'production', nodeId: NODE_ID, phpVersion: '8.3' };
    const data = JSON.stringify({ adminEmail: email, environment, name, nodeId: NODE_ID, phpVersion: '8.3', primaryDomain: domain, siteId, slug });
    const metaJson = JSON.stringify(meta);
    const eventId = id();
    let hash = hashOf(head?.hash ?? '0', pos, eventId, streamId, version, 'SiteCreated', 2, data, metaJson, now);
    s.insert.run(pos, eventId, streamId, version, 'SiteCreated', 2, data, metaJson, now, hash);
    s.siteSel.get(siteId);
    s.siteUp.run([siteId, name, slug, 'PROVISIONING', NODE_ID, domain, version, null, now, now]);
    s.envSel.get(siteId, 'production');
    s.envUp.run([siteId, 'production', slug, NODE_ID, JSON.stringify([domain]), '8.3', null, now, null, '[]', '[]', 'unknown']);
    s.streamSel.get(streamId);
    s.streamUp.run([streamId, 'site', version, 'SiteCreated', now, now]);
    // reactor: one provisioning job + its JobQueued event
    const jobId = id();
    const ms = Date.now();
    s.jobInsert.run({
      id: jobId,
      kind: 'site.provision',
      payload: JSON.stringify({ siteId, environment: 'production' }),
      maxAttempts: 3,
      runAfter: ms,
      priority: 0,
      concurrencyKey: `site:${siteId}`,
      dedupKey: `site.provision:${siteId}`,
      siteId,
      nodeId: NODE_ID,
      correlationId: commandId,
      actor: 'user:bench',
      now: ms,
    });
    const jobStream = `job-${jobId}`;
    const jobData = JSON.stringify({ jobId, kind: 'site.provision', maxAttempts: 3, nodeId: NODE_ID, siteId });
    const jobMeta = JSON.stringify({ actor: 'user:bench', causationId: eventId, commandId: `${eventId}/r/0`, correlationId: commandId });
    pos++;
    const jobEventId = id();
    hash = hashOf(hash, pos, jobEventId, jobStream, 1, 'JobQueued', 1, jobData, jobMeta, now);
    s.insert.run(pos, jobEventId, jobStream, 1, 'JobQueued', 1, jobData, jobMeta, now, hash);
    s.jobSel.get(jobId);
    s.jobUp.run([jobId, 'site.provision', 'queued', 0, 3, siteId, NODE_ID, null, commandId, 'user:bench', now, now]);
    s.streamSel.get(jobStream);
    s.streamUp.run([jobStream, 'job', 1, 'JobQueued', now, now]);
    const result = { streamId, version, jobs: [{ id: jobId, kind: 'site.provision', created: true }], duplicate: false };
    s.record.run(commandId, streamId, JSON.stringify(result), now, null);
    // The environment's secrets, sealed in the same transaction (the product's SiteSecretStore.create).
    const secrets = generateEnvironmentSecrets(deployKeys.generate(`pressluft-${slug}`));
    const aad = `site-secrets:${siteId}:production`;
    s.secretInsert.run(siteId, 'production', box.seal(JSON.stringify(secrets), aad), now);
    JSON.parse(box.open((s.secretGet.get(siteId, 'production') as { sealed: Buffer }).sealed, aad).toString('utf8'));
    return { ...result, adminPassword: secrets.adminPassword };
  });

  return async (i) => {
    const commandId = id();
    const name = `${tag} Site ${i}`;
    const slug = `${tag.toLowerCase()}-site-${i}`;
    const domain = `${tag}-site-${i}.example.com`;
    s.commandResult.get(commandId); // handler: duplicate?
    s.slugTaken.get(slug, `s-${slug}`.slice(0, 32));
    s.domainTaken.get(domain, '');
    s.node.get(NODE_ID);
    s.commandResult.get(commandId); // DecideAndAppend: duplicate?
    s.readStream.all(`site-${id()}`);
    return append.immediate(commandId, id(), name, slug, domain, `admin${i}@example.com`);
  };
}

async function compare(synchronous: SynchronousMode, rounds: number, perRound: number, warmup: number): Promise<BenchResult> {
  const dbs: Database[] = [];
  const make = (label: string, build: typeof productSide) => {
    const db = openBenchDb(tempDbFile(`cmd-${label}-${synchronous}`), synchronous);
    dbs.push(db);
    seedNode(db);
    const exec = build(db, label);
    let i = 0;
    return {
      name: label,
      warm: async (n: number) => {
        for (let k = 0; k < n; k++) await exec(i++);
      },
      run: async (n: number) => {
        for (let k = 0; k < n; k++) await exec(i++);
        return n;
      },
    };
  };
  const product = make('product', productSide);
  const raw = make('raw', rawSide);
  await product.warm(warmup);
  await raw.warm(warmup);
  const t0 = nowMs();
  const r = await paired([product, raw], rounds, perRound);
  const rows = dbs.map((db) => (db.prepare('SELECT COUNT(*) FROM rm_sites').pluck().get() as number));
  for (const db of dbs) db.close();
  log(`command path ${synchronous}: product ${fmt(r.rate.product)}/s raw ${fmt(r.rate.raw)}/s (${((nowMs() - t0) / 1000).toFixed(1)} s)`);
  return {
    id: `command-path-${synchronous}`,
    title: `a. Command path (CreateSite), synchronous=${synchronous}`,
    unit: 'commands/s',
    product: r.rate.product,
    productLabel: 'CreateSiteHandler → DecideAndAppend → SqliteEventStore',
    baseline: r.rate.raw,
    baselineLabel: 'raw better-sqlite3, same statements',
    goal: synchronous === 'NORMAL' ? 0.7 : undefined,
    notes: [
      `${rounds} alternating rounds of ${fmt(perRound)} commands per side after ${warmup} warm-up commands; median round shown`,
      `rounds (product): ${r.rounds.product.map((x) => fmt(x)).join(', ')}; rounds (raw): ${r.rounds.raw.map((x) => fmt(x)).join(', ')}`,
      `sites at the end: product ${fmt(rows[0])}, raw ${fmt(rows[1])}`,
    ],
  };
}

export async function run(): Promise<BenchSection> {
  const t0 = nowMs();
  const normal = await compare('NORMAL', 6, 1000, 300);
  const full = await compare('FULL', 4, 300, 100);
  return {
    id: 'command-path',
    title: 'a. Command path',
    setup: [
      'One command = CreateSite: 2 duplicate checks, slug and domain checks, node lookup, stream read, decide, then one BEGIN IMMEDIATE transaction with the expected-version check, chain head, SiteCreated insert (sha256 hash link), rm_sites/rm_environments/rm_streams read+upsert, reactor → jobs insert, JobQueued insert, rm_jobs/rm_streams read+upsert, processed_commands insert, and the environment secrets (DB password, 8 salts, admin password, an ed25519 git deploy key) generated, sealed with AES-256-GCM and inserted into site_secrets in the same transaction.',
      'Product: CreateSiteHandler + DecideAndAppend + SqliteEventStore(InlineProjections(ALL_PROJECTIONS), ALL_REACTORS, SqliteJobQueue), built without Nest as infrastructure.providers builds them (doorbell EventBus stubbed: no worker).',
      'Baseline: raw better-sqlite3 prepared statements with the identical SQL text, the same order and the same transaction; plain JSON.stringify and one sha256 per event instead of canonical JSON, no decider/fold/projection objects; the same secret generator and SecretBox seal/open on both sides (that work belongs to the command, it is not overhead).',
      'Each side gets its own fresh temp file with one ready node; both sides run the same number of commands so table sizes match round by round.',
    ],
    results: [normal, full],
    seconds: (nowMs() - t0) / 1000,
  };
}

if (require.main === module) {
  void run().then((s) => console.log(JSON.stringify(s, null, 2)));
}
