import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The success answers of the API, as JSON Schema: one place that says what every route returns.
 * `describeResponses` puts them into the OpenAPI document; the integration tests check every 2xx
 * JSON answer the app gives against it (test/support/openapi-response-check.ts), and objects here
 * list all their properties (`additionalProperties: false`), so a field a view gains without a
 * description here fails those tests instead of going undocumented.
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
/** OpenAPI 3.0 (what @nestjs/swagger writes) says null with `nullable`, not with a `null` type. */
const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const anyObject: Schema = { type: 'object', additionalProperties: true };

/** An object whose every property is required, except those named in `optional`. */
function object(properties: Record<string, Schema>, optional: string[] = []): Schema {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties).filter((p) => !optional.includes(p)), properties };
}
const page = (item: string): Schema =>
  object({ items: { type: 'array', items: ref(item) }, next: { ...nullable(str), description: 'Cursor of the next page (`cursor=`), null at the end' } });

const ERROR_REF = object({ code: str, message: str });

const SITE_SUMMARY: Record<string, Schema> = {
  id: str,
  name: str,
  slug: str,
  state: str,
  version: int,
  nodeId: str,
  primaryDomain: str,
  lastError: nullable(ERROR_REF),
  createdAt: time,
  updatedAt: time,
};

const JOB: Record<string, Schema> = {
  id: str,
  kind: str,
  state: { type: 'string', enum: ['queued', 'running', 'retry_wait', 'succeeded', 'failed', 'cancelled'] },
  attempt: int,
  maxAttempts: int,
  siteId: str,
  nodeId: str,
  error: ERROR_REF,
  correlationId: str,
  actor: str,
  createdAt: time,
  updatedAt: time,
};
const JOB_OPTIONAL = ['siteId', 'nodeId', 'error'];

/** An environment's backup schedule (docs/backups.md, "Schedules and retention"). */
const BACKUP_SCHEDULE: Schema = object({
  siteId: str,
  environment: str,
  cron: { ...str, description: '5 fields: minute hour day-of-month month day-of-week' },
  timeZone: { ...str, description: 'IANA time zone the cron expression and the retention periods are read in' },
  scope: { type: 'string', enum: ['db', 'files', 'full'] },
  retention: object({ keepLast: int, keepDaily: int, keepWeekly: int, keepMonthly: int }),
  effectiveFrom: { ...time, description: 'Due times after this instant count (a new schedule does not catch up on the past)' },
  setBy: { ...str, description: 'The actor that set it' },
  nextDueAt: nullable(time),
  lastDueAt: { ...nullable(time), description: 'The newest due time a backup was requested for' },
  lastBackupId: nullable(str),
  lastMissed: {
    ...nullable(object({ count: int, times: { type: 'array', items: time, description: 'The first missed due times' }, at: time })),
    description: 'The last BackupScheduleMissed: due times that passed without a backup (only the newest was caught up)',
  },
  updatedAt: time,
});

export const RESPONSE_SCHEMAS: Record<string, Schema> = {
  JobRef: { ...nullable(object({ id: str, kind: str })), description: 'The job the request queued, or null when it queued none' },
  Accepted: object({ version: { ...int, description: 'The stream version after the request (use it as If-Match)' }, job: ref('JobRef') }),
  Release: object({ id: str, current: bool, previous: bool, bad: { ...bool, description: 'Its deploy was rolled back: a rollback to it needs force' } }),
  Environment: object({
    name: str,
    envSlug: str,
    nodeId: str,
    domains: { type: 'array', items: str, description: 'The primary domain first, then the aliases' },
    phpVersion: str,
    currentReleaseId: nullable(str),
    previousReleaseId: nullable(str),
    releases: { type: 'array', items: ref('Release'), description: 'Kept on the node, newest first' },
    health: { type: 'string', enum: ['healthy', 'unhealthy', 'unknown'] },
    status: { type: 'string', enum: ['provisioning', 'cloning', 'active', 'deleting', 'failed'], description: 'Where the environment is in its own life' },
    clonedFrom: { ...nullable(str), description: 'The environment it was cloned from' },
    cloneBaseline: {
      ...nullable(
        object({
          takenAt: time,
          database: str,
          tables: { type: 'array', items: object({ name: str, rows: int, checksum: { ...str, description: "CHECKSUM TABLE … EXTENDED ('' when the engine gives none)" } }) },
          uploads: object({ files: int, bytes: int, sha256: { ...str, description: 'sha256 over path, size and sha256 of every upload, sorted' } }),
        }),
      ),
      description: 'What the source held when this environment was cloned from it (the drift baseline a promotion compares against)',
    },
    backupSchedule: { ...nullable(BACKUP_SCHEDULE), description: 'Its backup schedule, or null' },
  }),
  SiteSummary: object(SITE_SUMMARY),
  Site: object({ ...SITE_SUMMARY, environments: { type: 'array', items: ref('Environment') } }),
  SitePage: page('SiteSummary'),
  SiteCreated: object({
    site: object({ id: str, slug: str, state: str, version: int }),
    job: ref('JobRef'),
    admin: object({
      user: str,
      email: str,
      password: { ...nullable(str), description: 'The generated WordPress admin password, returned this once (null on a repeated Idempotency-Key)' },
    }),
  }),
  DeploymentAccepted: object({ deploymentId: str, version: int, job: ref('JobRef') }),
  CloneAccepted: object({
    cloneId: { ...nullable(str), description: 'null on a repeated Idempotency-Key' },
    environment: { ...nullable(str), description: 'The new environment (status cloning until the job ends)' },
    version: int,
    job: ref('JobRef'),
  }),
  Node: object({
    id: str,
    name: str,
    host: str,
    port: int,
    user: { ...str, description: 'The SSH user the control plane logs in as (root until bootstrap switches to pressluft)' },
    status: str,
    hostKeyFingerprint: nullable(str),
    facts: anyObject,
    version: int,
    createdAt: time,
    updatedAt: time,
  }),
  NodePage: page('Node'),
  NodeRef: object({ id: str, name: str, status: str, hostKeyFingerprint: nullable(str), version: int }),
  NodeRegistered: object({ node: ref('NodeRef'), job: ref('JobRef') }),
  NodeHostKeyPinned: object({ node: ref('NodeRef'), previousFingerprint: nullable(str) }),
  HealthCheckQueued: object({ job: object({ id: str, kind: str, created: { ...bool, description: 'false: an unfinished check was reused' } }) }),
  Job: object(JOB, JOB_OPTIONAL),
  JobPage: page('Job'),
  HostRecap: object({ ok: int, changed: int, failed: int, skipped: int, unreachable: int }),
  RunOutcome: object({
    runId: str,
    playbook: str,
    state: str,
    rc: nullable(int),
    startedAt: time,
    finishedAt: nullable(time),
    durationMs: nullable(int),
    hosts: { type: 'object', additionalProperties: ref('HostRecap'), description: 'Per host, as the PLAY RECAP' },
  }),
  JobOutcome: object({
    startedAt: nullable(time),
    finishedAt: nullable(time),
    durationMs: nullable(int),
    summary: nullable(str),
    runs: { type: 'array', items: ref('RunOutcome') },
  }),
  JobDetail: object({ ...JOB, outcome: ref('JobOutcome') }, JOB_OPTIONAL),
  JobChanged: object({ job: ref('JobDetail') }),
  JobRunLog: object({
    jobId: str,
    state: str,
    finished: bool,
    lines: { type: 'array', items: object({ seq: int, at: time, text: str }) },
    next: { ...int, description: 'The `after` of the next call' },
    runs: {
      type: 'array',
      items: object({
        runId: str,
        playbook: str,
        state: str,
        rc: nullable(int),
        stats: nullable(anyObject),
        createdAt: time,
        launchedAt: nullable(time),
        finishedAt: nullable(time),
      }),
    },
  }),
  RunEvents: object({
    jobId: str,
    runId: str,
    items: {
      type: 'array',
      items: object({ seq: int, event: str, task: nullable(str), host: nullable(str), changed: nullable(bool), ts: nullable(str), data: anyObject }),
    },
    next: int,
  }),
  RecordedEvent: object({
    globalPosition: int,
    eventId: str,
    streamId: str,
    streamVersion: int,
    type: str,
    schemaVersion: int,
    data: anyObject,
    metadata: object({ actor: str, correlationId: str, causationId: str, commandId: str }),
    recordedAt: time,
    hash: { ...str, description: 'sha256 link of the chain (hex)' },
  }),
  StreamHistory: object({ streamId: str, version: int, events: { type: 'array', items: ref('RecordedEvent') } }),
  EventPage: object({ items: { type: 'array', items: ref('RecordedEvent') }, next: { ...nullable(int), description: 'The `after` of the next page' } }),
  ChainVerification: object(
    { ok: bool, checked: int, firstBroken: object({ globalPosition: int, eventId: str, reason: str }) },
    ['firstBroken'],
  ),
  ControlPlaneKey: object({ publicKey: { ...str, description: 'One OpenSSH public key line' }, fingerprint: { ...str, example: 'SHA256:…' } }),
  Upload: object({ uploadId: str, sha256: str, size: int }),
  ApiToken: object({
    id: str,
    name: str,
    scope: { type: 'string', enum: ['read', 'write'] },
    createdBy: str,
    createdAt: time,
    revokedAt: nullable(time),
    lastUsedAt: nullable(time),
    expiresAt: nullable(time),
  }),
  ApiTokenPage: page('ApiToken'),
  ApiTokenCreated: object({ token: ref('ApiToken'), secret: { ...str, description: 'The token itself, shown this once' } }),
  ApiTokenRevoked: object({ token: ref('ApiToken') }),
  Certificate: object({
    siteId: str,
    environment: str,
    status: { type: 'string', enum: ['requested', 'issued', 'failed'], description: 'requested: a request runs; issued: the last one installed or kept the certificate; failed: it did not' },
    domains: { type: 'array', items: str, description: 'The names of the last request, primary first' },
    requestId: str,
    reason: { type: 'string', enum: ['operator', 'renewal', 'missing', 'created', 'domains-changed'] },
    requestedAt: time,
    certificate: {
      ...nullable(
        object({
          serial: str,
          domains: { type: 'array', items: str },
          notBefore: time,
          notAfter: { ...time, description: 'Expiry' },
          renewAt: { ...time, description: 'Renewed by the scheduler from then on (PRESSLUFT_CERT_RENEW_SHARE of the lifetime)' },
          issuedAt: nullable(time),
        }),
      ),
      description: 'The certificate the node serves (kept through a failed renewal); null until one is installed',
    },
    hsts: bool,
    lastError: nullable(object({ code: str, message: str, domains: { type: 'array', items: str } }, ['domains'])),
    updatedAt: time,
  }),
  CertificateList: object({ items: { type: 'array', items: ref('Certificate') } }),
  Backup: object({
    id: str,
    siteId: str,
    environment: str,
    scope: { type: 'string', enum: ['db', 'files', 'full'] },
    state: { type: 'string', enum: ['running', 'completed', 'failed', 'deleting'], description: 'deleting: its deletion is queued (it is no longer listed once done)' },
    purpose: {
      type: 'string',
      enum: ['operator', 'pre-restore', 'pre-promotion', 'scheduled', 'final'],
      description: 'pre-restore: taken by a restore job before it overwrote anything; pre-promotion: taken of the target by a promotion job before it overwrote anything; scheduled: by the backup scheduler (the only ones retention deletes); final: taken by a deletion before it removed anything, kept on the node outside the site\'s folder and restored by hand',
    },
    restoreId: { ...nullable(str), description: 'The restore that took it (pre-restore backups)' },
    size: { ...nullable(int), description: 'Total bytes of the parts; null until completed' },
    parts: { type: 'array', items: object({ name: { type: 'string', enum: ['db', 'files', 'code'] }, file: str, size: int, sha256: str }) },
    locations: {
      type: 'array',
      items: {
        oneOf: [
          object({ kind: { type: 'string', enum: ['node'] }, nodeId: str, path: str }),
          object({
            kind: { type: 'string', enum: ['restic'] },
            nodeId: str,
            repositoryId: str,
            url: { ...str, description: "The node's repository when the backup was sent" },
            snapshotId: str,
            parts: { type: 'array', items: object({ name: { type: 'string', enum: ['db', 'files', 'code'] }, file: str, size: int, sha256: str }), description: 'The uncompressed parts in the snapshot' },
          }),
        ],
      },
      description: "Where each copy lives: on the node, and as a snapshot in the node's restic repository",
    },
    releaseId: { ...nullable(str), description: 'The release that was current (the code part)' },
    wordpressVersion: nullable(str),
    tableCount: nullable(int),
    error: nullable(ERROR_REF),
    createdAt: time,
    completedAt: nullable(time),
  }),
  BackupRepository: object({
    nodeId: str,
    repositoryId: str,
    url: { ...str, description: 'An absolute path on the node, or sftp:user@host:/path' },
    kind: { type: 'string', enum: ['local', 'sftp'] },
    sftpKey: { ...bool, description: 'Whether an sftp key is stored (never shown)' },
    status: { type: 'string', enum: ['pending', 'ok', 'failed'], description: 'The last restic check: pending until the first one' },
    checkPending: bool,
    lastCheckedAt: nullable(time),
    lastError: nullable(ERROR_REF),
    setAt: time,
    updatedAt: time,
  }),
  BackupRepositorySet: object({ version: int, repository: ref('BackupRepository'), job: ref('JobRef') }),
  BackupList: object({ items: { type: 'array', items: ref('Backup') } }),
  BackupSchedule: BACKUP_SCHEDULE,
  BackupScheduleSet: object({ version: int, schedule: ref('BackupSchedule') }),
  BackupDeletionAccepted: object({ deletionId: nullable(str), version: int, job: ref('JobRef') }),
  BackupAccepted: object({ backupId: nullable(str), version: int, job: ref('JobRef') }),
  DeletionAccepted: object({
    version: { ...int, description: 'The stream version after the request (use it as If-Match)' },
    job: ref('JobRef'),
    deletionId: nullable(str),
    finalBackups: {
      type: 'array',
      items: object({ environment: str, backupId: str }),
      description: 'The full final backup each environment with a release gets before anything is removed (listed with the backups once taken)',
    },
  }),
  RestoreAccepted: object({
    restoreId: nullable(str),
    preRestoreBackupId: { ...nullable(str), description: 'The id of the backup the restore takes before it overwrites anything' },
    version: int,
    job: ref('JobRef'),
  }),
  DriftReport: object({
    target: str,
    source: str,
    preset: { type: 'string', enum: ['code-only', 'content-protect', 'full'] },
    baselineTakenAt: time,
    checkedAt: time,
    prefix: str,
    tablesChecked: { type: 'array', items: str, description: 'The tables the preset overwrites, compared with the baseline (volatile tables aside)' },
    tables: {
      type: 'array',
      items: object({ name: str, change: { type: 'string', enum: ['changed', 'added', 'removed'] }, rowsBefore: nullable(int), rowsAfter: nullable(int) }),
      description: 'The tables that changed on the target since the baseline',
    },
    uploads: { ...nullable(object({ changed: bool, filesBefore: int, filesAfter: int })), description: 'null when the preset leaves the uploads alone' },
    blocked: bool,
  }),
  PromotionDryRun: object({ dryRun: bool, report: ref('DriftReport'), driftCheckJobId: str }),
  PromotionAccepted: object({
    promotionId: nullable(str),
    prePromotionBackupId: { ...nullable(str), description: 'The id of the backup of the target the promotion takes before it overwrites anything' },
    report: ref('DriftReport'),
    driftCheckJobId: str,
    version: int,
    job: ref('JobRef'),
  }),
  DeployKey: object({
    siteId: str,
    environment: str,
    publicKey: { type: 'string', description: 'OpenSSH public key line; add it to the Git host as a read-only deploy key' },
    fingerprint: { type: 'string', description: 'SHA256:… as the Git host shows it' },
  }),
  WhoAmI: object({
    actor: str,
    kind: { type: 'string', enum: ['user', 'token'] },
    scope: { type: 'string', enum: ['read', 'write'] },
    tokenName: nullable(str),
    email: nullable(str),
  }),
};

/** `METHOD path` (OpenAPI path syntax) → the schema of its success answer. */
export const ROUTE_RESPONSES: Record<string, string> = {
  'GET /api/v1/sites': 'SitePage',
  'POST /api/v1/sites': 'SiteCreated',
  'GET /api/v1/sites/{id}': 'Site',
  'GET /api/v1/sites/{id}/events': 'StreamHistory',
  'POST /api/v1/sites/{id}/environments/{env}/deployments': 'DeploymentAccepted',
  'POST /api/v1/sites/{id}/environments/{env}/rollback': 'Accepted',
  'PUT /api/v1/sites/{id}/environments/{env}/domains': 'Accepted',
  'POST /api/v1/sites/{id}/environments': 'CloneAccepted',
  'DELETE /api/v1/sites/{id}/environments/{env}': 'Accepted',
  'POST /api/v1/sites/{id}/reset': 'Accepted',
  'POST /api/v1/sites/{id}/retry': 'Accepted',
  'DELETE /api/v1/sites/{id}': 'DeletionAccepted',
  'POST /api/v1/sites/{id}/environments/{env}/certificates': 'Accepted',
  'GET /api/v1/sites/{id}/environments/{env}/certificates': 'CertificateList',
  'GET /api/v1/sites/{id}/certificates': 'CertificateList',
  'POST /api/v1/sites/{id}/environments/{env}/backups': 'BackupAccepted',
  'GET /api/v1/sites/{id}/environments/{env}/backups': 'BackupList',
  'POST /api/v1/sites/{id}/backups/{backupId}/retry': 'BackupAccepted',
  'POST /api/v1/sites/{id}/environments/{env}/restore': 'RestoreAccepted',
  'POST /api/v1/sites/{id}/environments/{env}/promote': 'PromotionAccepted',
  'PUT /api/v1/sites/{id}/environments/{env}/backup-schedule': 'BackupScheduleSet',
  'GET /api/v1/sites/{id}/environments/{env}/backup-schedule': 'BackupSchedule',
  'DELETE /api/v1/sites/{id}/environments/{env}/backup-schedule': 'Accepted',
  'DELETE /api/v1/sites/{id}/backups/{backupId}': 'BackupDeletionAccepted',
  'GET /api/v1/sites/{id}/environments/{env}/deploy-key': 'DeployKey',
  'POST /api/v1/uploads': 'Upload',
  'POST /api/v1/nodes': 'NodeRegistered',
  'GET /api/v1/nodes': 'NodePage',
  'GET /api/v1/nodes/{id}': 'Node',
  'GET /api/v1/nodes/{id}/events': 'StreamHistory',
  'POST /api/v1/nodes/{id}/bootstrap': 'Accepted',
  'POST /api/v1/nodes/{id}/host-key': 'NodeHostKeyPinned',
  'POST /api/v1/nodes/{id}/health-check': 'HealthCheckQueued',
  'PUT /api/v1/nodes/{id}/backup-repository': 'BackupRepositorySet',
  'GET /api/v1/nodes/{id}/backup-repository': 'BackupRepository',
  'DELETE /api/v1/nodes/{id}/backup-repository': 'Accepted',
  'POST /api/v1/nodes/{id}/backup-repository/check': 'Accepted',
  'GET /api/v1/jobs': 'JobPage',
  'GET /api/v1/jobs/{id}': 'JobDetail',
  'GET /api/v1/jobs/{id}/events': 'StreamHistory',
  'GET /api/v1/jobs/{id}/run-log': 'JobRunLog',
  'GET /api/v1/jobs/{id}/runs/{runId}/events': 'RunEvents',
  'POST /api/v1/jobs/{id}/cancel': 'JobChanged',
  'POST /api/v1/jobs/{id}/retry': 'JobChanged',
  'GET /api/v1/events': 'EventPage',
  'GET /api/v1/events/verify': 'ChainVerification',
  'GET /api/v1/events/streams/{streamId}': 'StreamHistory',
  'GET /api/v1/ssh/public-key': 'ControlPlaneKey',
  'GET /api/v1/whoami': 'WhoAmI',
  'POST /api/v1/tokens': 'ApiTokenCreated',
  'GET /api/v1/tokens': 'ApiTokenPage',
  'DELETE /api/v1/tokens/{id}': 'ApiTokenRevoked',
};

/** Second success answers of a route besides its declared one: `METHOD path` → status → schema. */
export const OTHER_SUCCESS_RESPONSES: Record<string, Record<string, string>> = {
  'POST /api/v1/sites/{id}/environments/{env}/promote': { '200': 'PromotionDryRun' },
};

/** Routes that answer a text/event-stream (Server-Sent Events) rather than one JSON document. */
export const EVENT_STREAM_ROUTES: Record<string, string> = {
  'GET /api/v1/jobs/{id}/log':
    'The job log as Server-Sent Events: `line` events (id = the line cursor, data = JSON {at, source, text, tone?}), then one `end` event ({state}) when the job finished, or ({reason}) when the session ended. Resume with `Last-Event-ID` or `?after=`.',
};

type Operation = { responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }> };

/**
 * Puts the success schemas into the document: the operation's 2xx answer gets its schema as
 * application/json (the status the route answers with stays the one its decorators declared).
 * A route missing from ROUTE_RESPONSES keeps an answer without a schema, which the API reference
 * test refuses.
 */
export function describeResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...RESPONSE_SCHEMAS } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const key = `${method.toUpperCase()} ${path}`;
      if (!op?.responses) continue;
      if (EVENT_STREAM_ROUTES[key]) {
        op.responses['200'] = { description: EVENT_STREAM_ROUTES[key], content: { 'text/event-stream': { schema: { type: 'string' } } } };
        continue;
      }
      const name = ROUTE_RESPONSES[key];
      if (!name) continue;
      const status = Object.keys(op.responses).find((code) => /^2\d\d$/.test(code)) ?? '200';
      op.responses[status] = { ...op.responses[status], description: op.responses[status]?.description || name, content: { 'application/json': { schema: ref(name) } } };
      for (const [other, schema] of Object.entries(OTHER_SUCCESS_RESPONSES[key] ?? {})) {
        op.responses[other] = { description: schema, content: { 'application/json': { schema: ref(schema) } } };
      }
    }
  }
  return document;
}
