import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Every setting, its environment variable and its default (documented in docs/configuration.md). */
export interface Settings {
  readonly httpHost: string;
  readonly httpPort: number;
  readonly dataDir: string;
  readonly databaseFile: string;
  readonly logLevel: LogLevel;
  /** `auto`: human-readable lines on a terminal, JSON lines otherwise (PRESSLUFT_LOG_FORMAT). */
  readonly logFormat: LogFormat;
  readonly synchronous: 'FULL' | 'NORMAL';
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit: number;
  readonly workerEnabled: boolean;
  readonly workerConcurrency: number;
  readonly jobLeaseMs: number;
  /** A session unused this long ends (PRESSLUFT_SESSION_IDLE_MINUTES). */
  readonly sessionIdleMinutes: number;
  /** A session ends this long after sign-in, used or not (PRESSLUFT_SESSION_MAX_HOURS). */
  readonly sessionMaxHours: number;
  /** Secure cookies: `auto` = when the request came over HTTPS; `always` behind a TLS proxy (PRESSLUFT_COOKIE_SECURE). */
  readonly cookieSecure: 'auto' | 'always';
  /**
   * Behind the local TLS proxy (PRESSLUFT_TRUST_PROXY, install.sh --domain): take the protocol, host and
   * client address from X-Forwarded-Proto/-Host/-For, but only of connections from 127.0.0.1.
   */
  readonly trustProxy: boolean;
  /** Base directory on nodes for playbook bundles and runs (PRESSLUFT_REMOTE_ROOT). */
  readonly remoteRoot: string;
  /** Local playbooks/ directory that is bundled and shipped to nodes (PRESSLUFT_PLAYBOOKS_DIR). */
  readonly playbooksDir: string;
  /** Pause between polls of a running remote run, ms (PRESSLUFT_RUN_POLL_MS). */
  readonly runPollMs: number;
  /** First retry delay cap of failed jobs, ms; doubles per attempt, with full jitter (PRESSLUFT_JOB_BACKOFF_BASE_MS). */
  readonly jobBackoffBaseMs: number;
  /** Largest retry delay cap, ms (PRESSLUFT_JOB_BACKOFF_MAX_MS). */
  readonly jobBackoffMaxMs: number;
  /** Interval of the periodic node health checks, ms; 0 = off (PRESSLUFT_HEALTH_CHECK_INTERVAL_MS). */
  readonly healthCheckIntervalMs: number;
  /** Scan and pin a node's host key when it is registered (PRESSLUFT_HOST_KEY_SCAN); off = the first job pins it. */
  readonly hostKeyScan: boolean;
  /** TCP connect + SSH handshake timeout, ms (PRESSLUFT_SSH_CONNECT_TIMEOUT_MS). */
  readonly sshConnectTimeoutMs: number;
  /** Let bootstrap.yml write and enable the node's nftables firewall (PRESSLUFT_MANAGE_FIREWALL). */
  readonly manageFirewall: boolean;
  /** Let bootstrap.yml turn root's SSH login off once `pressluft` works (PRESSLUFT_LOCK_ROOT_LOGIN). */
  readonly lockRootLogin: boolean;
  /** Failed sign-ins per account before each further attempt waits (PRESSLUFT_LOGIN_ACCOUNT_ATTEMPTS). */
  readonly loginAccountAttempts: number;
  /** Failed sign-ins per client IP before each further attempt waits (PRESSLUFT_LOGIN_IP_ATTEMPTS). */
  readonly loginIpAttempts: number;
  /** First wait after the free attempts, ms; doubles per further failure (PRESSLUFT_LOGIN_DELAY_MS). */
  readonly loginDelayMs: number;
  /** Password checks (scrypt, 32 MiB each) running at once (PRESSLUFT_LOGIN_MAX_CONCURRENT). */
  readonly loginMaxConcurrent: number;
  /** Live job log streams (SSE) one session or token may hold open (PRESSLUFT_SSE_STREAMS_PER_SESSION). */
  readonly sseStreamsPerSession: number;
  /** Days parsed Ansible events of finished runs are kept (PRESSLUFT_RUN_EVENTS_RETENTION_DAYS). */
  readonly runEventsRetentionDays: number;
  /** Days worker log lines of finished jobs are kept (PRESSLUFT_JOB_LOG_RETENTION_DAYS). */
  readonly jobLogRetentionDays: number;
  /** Days a deleted site's final backups are kept on its node; 0 = kept until removed by hand (PRESSLUFT_DELETED_SITE_BACKUP_DAYS). */
  readonly deletedSiteBackupDays: number;
  /** Interval of the prune of run_events and job_log, ms; 0 = off (PRESSLUFT_PRUNE_INTERVAL_MS). */
  readonly pruneIntervalMs: number;
  /** ed25519 key that signs chain-head anchors, PEM, 0600, apart from the database (PRESSLUFT_ANCHOR_KEY_FILE). */
  readonly anchorKeyFile: string;
  /** A second directory that receives every anchor, e.g. next to off-site backups; empty = none (PRESSLUFT_ANCHOR_OFFSITE_DIR). */
  readonly anchorOffsiteDir: string | null;
  /** Interval of scheduled anchors, ms; 0 = off (PRESSLUFT_ANCHOR_INTERVAL_MS). */
  readonly anchorIntervalMs: number;
  /** ACME directory the nodes' client gets certificates from (PRESSLUFT_ACME_DIRECTORY_URL; docs/tls.md). */
  readonly acmeDirectoryUrl: string;
  /** E-mail of the ACME account; '' = not set, certificates cannot be requested (PRESSLUFT_ACME_EMAIL). */
  readonly acmeEmail: string;
  /** CA bundle (PEM file on the control plane) the nodes' client trusts for the directory; '' = system store (PRESSLUFT_ACME_CA_FILE). */
  readonly acmeCaFile: string;
  /** Share of a certificate's lifetime after which it is renewed, 0 < share < 1 (PRESSLUFT_CERT_RENEW_SHARE). */
  readonly certRenewShare: number;
  /** Interval of the certificate scheduler (renewals due, missing or outdated certificates), ms; 0 = off (PRESSLUFT_CERT_CHECK_INTERVAL_MS). */
  readonly certCheckIntervalMs: number;
  /** Interval of the backup scheduler (due backup schedules), ms; 0 = off (PRESSLUFT_BACKUP_SCHEDULE_INTERVAL_MS). */
  readonly backupScheduleIntervalMs: number;
  /** How old a node's last restic check may get before the scheduler runs the next one, ms; 0 = no scheduled checks (PRESSLUFT_RESTIC_CHECK_INTERVAL_MS). */
  readonly resticCheckIntervalMs: number;
  /** A WordPress release archive (wordpress.org layout) for new sites and core updates; unset = download the latest (PRESSLUFT_WORDPRESS_ARCHIVE). */
  readonly wordpressArchive: string | null;
  /** Media upload limit of every site's Nginx and PHP pool, MB (PRESSLUFT_SITE_UPLOAD_MAX_MB). */
  readonly siteUploadMaxMb: number;
  /** Largest deploy archive POST /api/v1/uploads accepts, bytes (PRESSLUFT_UPLOAD_MAX_BYTES). */
  readonly uploadMaxBytes: number;
}

/** Let's Encrypt's directories; PRESSLUFT_ACME_DIRECTORY_URL also takes these names. */
export const ACME_DIRECTORIES = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

export function loadSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Settings {
  const dataDir = resolve(cwd, env.PRESSLUFT_DATA_DIR ?? join(cwd, 'data'));
  return {
    httpHost: env.PRESSLUFT_HTTP_HOST ?? '127.0.0.1',
    httpPort: int(env.PRESSLUFT_HTTP_PORT, 8080, 'PRESSLUFT_HTTP_PORT'),
    dataDir,
    databaseFile: join(dataDir, 'pressluft.db'),
    logLevel: oneOf(env.PRESSLUFT_LOG_LEVEL, ['debug', 'info', 'warn', 'error'] as const, 'info', 'PRESSLUFT_LOG_LEVEL'),
    logFormat: oneOf(env.PRESSLUFT_LOG_FORMAT, ['auto', 'json', 'pretty'] as const, 'auto', 'PRESSLUFT_LOG_FORMAT'),
    synchronous: oneOf(env.PRESSLUFT_DB_SYNCHRONOUS, ['FULL', 'NORMAL'] as const, 'FULL', 'PRESSLUFT_DB_SYNCHRONOUS'),
    bodyLimit: int(env.PRESSLUFT_HTTP_BODY_LIMIT, 64 * 1024, 'PRESSLUFT_HTTP_BODY_LIMIT'),
    workerEnabled: oneOf(env.PRESSLUFT_WORKER, ['on', 'off'] as const, 'on', 'PRESSLUFT_WORKER') === 'on',
    workerConcurrency: int(env.PRESSLUFT_WORKER_CONCURRENCY, 4, 'PRESSLUFT_WORKER_CONCURRENCY'),
    jobLeaseMs: int(env.PRESSLUFT_JOB_LEASE_MS, 30_000, 'PRESSLUFT_JOB_LEASE_MS'),
    sessionIdleMinutes: int(env.PRESSLUFT_SESSION_IDLE_MINUTES, 60, 'PRESSLUFT_SESSION_IDLE_MINUTES'),
    sessionMaxHours: int(env.PRESSLUFT_SESSION_MAX_HOURS, 12, 'PRESSLUFT_SESSION_MAX_HOURS'),
    cookieSecure: oneOf(env.PRESSLUFT_COOKIE_SECURE, ['auto', 'always'] as const, 'auto', 'PRESSLUFT_COOKIE_SECURE'),
    trustProxy: oneOf(env.PRESSLUFT_TRUST_PROXY, ['on', 'off'] as const, 'off', 'PRESSLUFT_TRUST_PROXY') === 'on',
    remoteRoot: env.PRESSLUFT_REMOTE_ROOT || '/var/lib/pressluft',
    playbooksDir: env.PRESSLUFT_PLAYBOOKS_DIR ? resolve(cwd, env.PRESSLUFT_PLAYBOOKS_DIR) : defaultPlaybooksDir(cwd),
    runPollMs: int(env.PRESSLUFT_RUN_POLL_MS, 500, 'PRESSLUFT_RUN_POLL_MS'),
    jobBackoffBaseMs: int(env.PRESSLUFT_JOB_BACKOFF_BASE_MS, 1_000, 'PRESSLUFT_JOB_BACKOFF_BASE_MS'),
    jobBackoffMaxMs: int(env.PRESSLUFT_JOB_BACKOFF_MAX_MS, 300_000, 'PRESSLUFT_JOB_BACKOFF_MAX_MS'),
    healthCheckIntervalMs: int(env.PRESSLUFT_HEALTH_CHECK_INTERVAL_MS, 300_000, 'PRESSLUFT_HEALTH_CHECK_INTERVAL_MS'),
    hostKeyScan: oneOf(env.PRESSLUFT_HOST_KEY_SCAN, ['on', 'off'] as const, 'on', 'PRESSLUFT_HOST_KEY_SCAN') === 'on',
    sshConnectTimeoutMs: int(env.PRESSLUFT_SSH_CONNECT_TIMEOUT_MS, 10_000, 'PRESSLUFT_SSH_CONNECT_TIMEOUT_MS'),
    manageFirewall: oneOf(env.PRESSLUFT_MANAGE_FIREWALL, ['on', 'off'] as const, 'on', 'PRESSLUFT_MANAGE_FIREWALL') === 'on',
    lockRootLogin: oneOf(env.PRESSLUFT_LOCK_ROOT_LOGIN, ['on', 'off'] as const, 'on', 'PRESSLUFT_LOCK_ROOT_LOGIN') === 'on',
    loginAccountAttempts: int(env.PRESSLUFT_LOGIN_ACCOUNT_ATTEMPTS, 5, 'PRESSLUFT_LOGIN_ACCOUNT_ATTEMPTS'),
    loginIpAttempts: int(env.PRESSLUFT_LOGIN_IP_ATTEMPTS, 20, 'PRESSLUFT_LOGIN_IP_ATTEMPTS'),
    loginDelayMs: int(env.PRESSLUFT_LOGIN_DELAY_MS, 1_000, 'PRESSLUFT_LOGIN_DELAY_MS'),
    loginMaxConcurrent: Math.max(1, int(env.PRESSLUFT_LOGIN_MAX_CONCURRENT, 2, 'PRESSLUFT_LOGIN_MAX_CONCURRENT')),
    sseStreamsPerSession: int(env.PRESSLUFT_SSE_STREAMS_PER_SESSION, 4, 'PRESSLUFT_SSE_STREAMS_PER_SESSION'),
    runEventsRetentionDays: int(env.PRESSLUFT_RUN_EVENTS_RETENTION_DAYS, 30, 'PRESSLUFT_RUN_EVENTS_RETENTION_DAYS'),
    jobLogRetentionDays: int(env.PRESSLUFT_JOB_LOG_RETENTION_DAYS, 30, 'PRESSLUFT_JOB_LOG_RETENTION_DAYS'),
    deletedSiteBackupDays: int(env.PRESSLUFT_DELETED_SITE_BACKUP_DAYS, 30, 'PRESSLUFT_DELETED_SITE_BACKUP_DAYS'),
    pruneIntervalMs: int(env.PRESSLUFT_PRUNE_INTERVAL_MS, 3_600_000, 'PRESSLUFT_PRUNE_INTERVAL_MS'),
    anchorKeyFile: env.PRESSLUFT_ANCHOR_KEY_FILE ? resolve(cwd, env.PRESSLUFT_ANCHOR_KEY_FILE) : join(dataDir, 'anchor', 'anchor-signing-key.pem'),
    anchorOffsiteDir: env.PRESSLUFT_ANCHOR_OFFSITE_DIR ? resolve(cwd, env.PRESSLUFT_ANCHOR_OFFSITE_DIR) : null,
    anchorIntervalMs: int(env.PRESSLUFT_ANCHOR_INTERVAL_MS, 3_600_000, 'PRESSLUFT_ANCHOR_INTERVAL_MS'),
    acmeDirectoryUrl: acmeDirectory(env.PRESSLUFT_ACME_DIRECTORY_URL),
    acmeEmail: email(env.PRESSLUFT_ACME_EMAIL, 'PRESSLUFT_ACME_EMAIL'),
    acmeCaFile: readableFile(env.PRESSLUFT_ACME_CA_FILE, cwd, 'PRESSLUFT_ACME_CA_FILE'),
    certRenewShare: share(env.PRESSLUFT_CERT_RENEW_SHARE, 0.67, 'PRESSLUFT_CERT_RENEW_SHARE'),
    certCheckIntervalMs: int(env.PRESSLUFT_CERT_CHECK_INTERVAL_MS, 300_000, 'PRESSLUFT_CERT_CHECK_INTERVAL_MS'),
    backupScheduleIntervalMs: int(env.PRESSLUFT_BACKUP_SCHEDULE_INTERVAL_MS, 60_000, 'PRESSLUFT_BACKUP_SCHEDULE_INTERVAL_MS'),
    resticCheckIntervalMs: int(env.PRESSLUFT_RESTIC_CHECK_INTERVAL_MS, 86_400_000, 'PRESSLUFT_RESTIC_CHECK_INTERVAL_MS'),
    wordpressArchive: env.PRESSLUFT_WORDPRESS_ARCHIVE ? resolve(cwd, env.PRESSLUFT_WORDPRESS_ARCHIVE) : null,
    siteUploadMaxMb: int(env.PRESSLUFT_SITE_UPLOAD_MAX_MB, 64, 'PRESSLUFT_SITE_UPLOAD_MAX_MB'),
    uploadMaxBytes: int(env.PRESSLUFT_UPLOAD_MAX_BYTES, 512 * 1024 * 1024, 'PRESSLUFT_UPLOAD_MAX_BYTES'),
  };
}

function acmeDirectory(raw: string | undefined): string {
  if (raw === undefined || raw === '') return ACME_DIRECTORIES.letsencrypt;
  if (raw in ACME_DIRECTORIES) return ACME_DIRECTORIES[raw as keyof typeof ACME_DIRECTORIES];
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (url?.protocol !== 'https:' || /\s/.test(raw)) {
    throw new Error(`PRESSLUFT_ACME_DIRECTORY_URL must be an https:// URL, "letsencrypt" or "letsencrypt-staging", got "${raw}"`);
  }
  return raw;
}

function email(raw: string | undefined, name: string): string {
  if (raw === undefined || raw === '') return '';
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(raw)) throw new Error(`${name} must be an e-mail address, got "${raw}"`);
  return raw;
}

function share(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(n > 0 && n < 1)) throw new Error(`${name} must be a number between 0 and 1 (exclusive), got "${raw}"`);
  return n;
}

function readableFile(raw: string | undefined, cwd: string, name: string): string {
  if (raw === undefined || raw === '') return '';
  const file = resolve(cwd, raw);
  if (!existsSync(file)) throw new Error(`${name}: no file at ${file}`);
  return file;
}

/** The playbooks/ directory next to the code (works from src/ and from dist/src/), else ./playbooks. */
function defaultPlaybooksDir(cwd: string): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'playbooks');
    if (existsSync(join(candidate, 'bin', 'pl-run'))) return candidate;
    dir = dirname(dir);
  }
  return resolve(cwd, 'playbooks');
}

function int(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function oneOf<T extends string>(raw: string | undefined, allowed: readonly T[], fallback: T, name: string): T {
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}
