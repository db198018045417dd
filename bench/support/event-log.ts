import type { Database } from '../../src/infrastructure/sqlite/database';
import { canonicalJson } from '../../src/infrastructure/event-store/canonical-json';
import { eventHash, GENESIS_HASH } from '../../src/infrastructure/event-store/event-hash';

/** Secondary indexes of `events` (migration 001): dropped during the bulk load, rebuilt after it. */
const EVENT_INDEXES = [
  'CREATE INDEX events_by_type ON events (type, global_position)',
  "CREATE INDEX events_by_actor ON events (json_extract(metadata, '$.actor'), global_position)",
  "CREATE INDEX events_by_correlation ON events (json_extract(metadata, '$.correlationId'), global_position)",
  'CREATE INDEX events_by_recorded_at ON events (recorded_at, global_position)',
];

export interface EventLogShape {
  readonly sites: number;
  readonly deploysPerSite: number;
}

/** Events per site: SiteCreated, SiteProvisioned, provision job (3), then per deploy 2 site events + 3 job events. */
export function eventsFor(shape: EventLogShape): number {
  return shape.sites * (5 + 5 * shape.deploysPerSite);
}

/**
 * Writes a valid log straight into `events` (fast path, not through the store): event data as the
 * deciders produce it, the lifecycle order PROVISIONING → ACTIVE → (DEPLOYING → ACTIVE)*, job streams
 * JobQueued/JobStarted/JobSucceeded, metadata with actor/correlation/causation/command ids, canonical
 * JSON and a correct sha256 hash chain (verify() passes). Sites are interleaved the way a busy control
 * plane interleaves them: first every site is created and provisioned, then deploy round after round.
 */
export function generateEventLog(db: Database, shape: EventLogShape): number {
  const node = 'benchnode0000000000000000a';
  const insert = db.prepare(`INSERT INTO events
    (global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, hash)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const sql of EVENT_INDEXES) db.exec(`DROP INDEX IF EXISTS ${sql.split(' ')[2]}`);
  let position = 0;
  let previous = GENESIS_HASH;
  const t0 = Date.UTC(2025, 0, 1);
  const versions = new Map<string, number>();
  const id = (kind: string, n: number) => `${kind}${n.toString(36).padStart(24, '0')}`;
  let jobSeq = 0;
  const put = (streamId: string, type: string, schemaVersion: number, data: object, meta: object): string => {
    position++;
    const version = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, version);
    const eventId = id('e', position);
    const dataJson = canonicalJson(data);
    const metaJson = canonicalJson(meta);
    const recordedAt = new Date(t0 + position * 10).toISOString();
    const hash = eventHash(previous, {
      globalPosition: position,
      eventId,
      streamId,
      streamVersion: version,
      type,
      schemaVersion,
      data: dataJson,
      metadata: metaJson,
      recordedAt,
    });
    insert.run(position, eventId, streamId, version, type, schemaVersion, dataJson, metaJson, recordedAt, hash);
    previous = hash;
    return eventId;
  };
  const job = (kind: string, siteId: string, correlationId: string, causationId: string) => {
    const jobId = id('j', jobSeq++);
    const stream = `job-${jobId}`;
    const m = (cmd: string) => ({ actor: 'system', correlationId, causationId, commandId: cmd });
    put(stream, 'JobQueued', 1, { jobId, kind, siteId, nodeId: node, maxAttempts: 3 }, m(`${causationId}/reactor/0`));
    put(stream, 'JobStarted', 1, { jobId, attempt: 1, workerId: 'worker-1' }, m(`${jobId}/start/1`));
    put(stream, 'JobSucceeded', 1, { jobId, attempt: 1, summary: 'ok' }, m(`${jobId}/done/1`));
  };
  const siteIds = Array.from({ length: shape.sites }, (_, i) => id('s', i));
  const batch = db.transaction((fn: () => void) => fn());
  batch(() => {
    siteIds.forEach((siteId, i) => {
      const stream = `site-${siteId}`;
      const slug = `site-${i}`;
      const domain = `site-${i}.example.com`;
      const corr = `c${siteId}`;
      const created = put(
        stream,
        'SiteCreated',
        2,
        {
          siteId,
          name: `Site ${i}`,
          slug,
          nodeId: node,
          primaryDomain: domain,
          adminEmail: `admin${i}@example.com`,
          phpVersion: '8.3',
          environment: { name: 'production', envSlug: slug, nodeId: node, domains: [domain], phpVersion: '8.3' },
        },
        { actor: 'user:bench', correlationId: corr, causationId: corr, commandId: corr },
      );
      job('site.provision', siteId, corr, created);
      put(stream, 'SiteProvisioned', 1, { siteId, environment: 'production', releaseId: `r${siteId}0` }, { actor: 'system', correlationId: corr, causationId: created, commandId: `p${siteId}` });
    });
  });
  for (let d = 1; d <= shape.deploysPerSite; d++) {
    batch(() => {
      for (const siteId of siteIds) {
        const stream = `site-${siteId}`;
        const deploymentId = `d${siteId}${d}`;
        const corr = `c${deploymentId}`;
        const requested = put(
          stream,
          'DeployRequested',
          1,
          { siteId, environment: 'production', deploymentId, source: { type: 'git', ref: `refs/tags/v${d}` } },
          { actor: 'user:bench', correlationId: corr, causationId: corr, commandId: corr },
        );
        job('site.deploy', siteId, corr, requested);
        put(
          stream,
          'DeploySucceeded',
          1,
          { siteId, environment: 'production', deploymentId, releaseId: `r${siteId}${d}` },
          { actor: 'system', correlationId: corr, causationId: requested, commandId: `ok${deploymentId}` },
        );
      }
    });
  }
  for (const sql of EVENT_INDEXES) db.exec(sql);
  return position;
}
