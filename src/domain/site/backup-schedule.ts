import { DomainError } from '../common/domain-error';
import type { BackupScope } from './site-backup.events';
import { SITE_RULES } from './site.rules';

/*
 * A backup schedule of one environment (docs/backups.md, "Schedules and retention"): when (a 5-field
 * cron expression in an IANA time zone), what (the scope) and how many scheduled backups to keep
 * (restic's keep-last/daily/weekly/monthly). The cron expression's meaning is a library's business
 * (cron-parser, in the application layer); the domain checks its shape and is told whether it parsed.
 */

export interface RetentionPolicy {
  /** The newest N scheduled backups. */
  readonly keepLast: number;
  /** The newest scheduled backup of each of the last N days that have one (in the schedule's time zone). */
  readonly keepDaily: number;
  /** … of each of the last N ISO weeks that have one. */
  readonly keepWeekly: number;
  /** … of each of the last N months that have one. */
  readonly keepMonthly: number;
}

export interface BackupScheduleSpec {
  /** minute hour day-of-month month day-of-week */
  readonly cron: string;
  /** IANA name; the cron expression and the day/week/month buckets of retention are read in it. */
  readonly timeZone: string;
  readonly scope: BackupScope;
  readonly retention: RetentionPolicy;
}

export const DEFAULT_SCHEDULE_TIME_ZONE = 'UTC';
export const RETENTION_RULES = ['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly'] as const;
const RETENTION_MAX = 1000;

/** Five fields separated by single spaces (no seconds field, no @aliases): what an operator's crontab reads. */
export function parseCronShape(value: unknown, problem: string | null): string {
  const raw = typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : '';
  const fields = raw === '' ? [] : raw.split(' ');
  if (fields.length !== 5 || raw.length > 200) {
    throw new DomainError(
      'INVALID_CRON_EXPRESSION',
      `cron must have 5 fields (minute hour day-of-month month day-of-week), got ${JSON.stringify(typeof value === 'string' ? value.slice(0, 200) : value)}`,
      { field: 'cron', cron: typeof value === 'string' ? value.slice(0, 200) : null, fields: fields.length },
      SITE_RULES.backupScheduleMustBeValid,
    );
  }
  if (problem !== null) {
    throw new DomainError('INVALID_CRON_EXPRESSION', `cron ${JSON.stringify(raw)} is not valid: ${problem}`, { field: 'cron', cron: raw, reason: problem }, SITE_RULES.backupScheduleMustBeValid);
  }
  return raw;
}

/** An IANA zone name the runtime knows (Intl is deterministic: no I/O, no clock). */
export function parseTimeZone(value: unknown): string {
  if (value === undefined || value === null || value === '') return DEFAULT_SCHEDULE_TIME_ZONE;
  const zone = typeof value === 'string' ? value : '';
  let canonical: string | null = null;
  if (/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) {
    try {
      canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      canonical = null;
    }
  }
  if (!canonical) {
    throw new DomainError('INVALID_TIME_ZONE', `timeZone ${JSON.stringify(value)} is not an IANA time zone (e.g. UTC, Europe/Berlin)`, { field: 'timeZone', timeZone: value }, SITE_RULES.backupScheduleMustBeValid);
  }
  return zone === 'UTC' || zone === 'Etc/UTC' ? 'UTC' : zone;
}

export function parseRetention(value: unknown): RetentionPolicy {
  const input = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !(RETENTION_RULES as readonly string[]).includes(k));
  const bad = RETENTION_RULES.filter((k) => {
    const n = input[k] ?? 0;
    return typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > RETENTION_MAX;
  });
  const invalid = (message: string, details: Record<string, unknown>) =>
    new DomainError('INVALID_RETENTION', message, { field: 'retention', ...details }, SITE_RULES.backupScheduleMustBeValid);
  if (!value || typeof value !== 'object' || unknown.length > 0 || bad.length > 0) {
    throw invalid(`retention needs ${RETENTION_RULES.join(', ')} as whole numbers from 0 to ${RETENTION_MAX}`, { invalid: [...bad, ...unknown] });
  }
  const policy = Object.fromEntries(RETENTION_RULES.map((k) => [k, (input[k] as number | undefined) ?? 0])) as unknown as RetentionPolicy;
  if (RETENTION_RULES.every((k) => policy[k] === 0)) {
    // Keeping nothing would delete every scheduled backup right after it was taken.
    throw invalid('retention must keep something: at least one of keepLast, keepDaily, keepWeekly, keepMonthly above 0', { retention: policy });
  }
  return policy;
}

export function sameSchedule(a: BackupScheduleSpec, b: BackupScheduleSpec): boolean {
  return a.cron === b.cron && a.timeZone === b.timeZone && a.scope === b.scope && RETENTION_RULES.every((k) => a.retention[k] === b.retention[k]);
}
