import type { RetentionPolicy } from './backup-schedule';

/*
 * Which scheduled backups a retention policy lets go (docs/backups.md, "Retention"), with restic's
 * `forget --keep-*` semantics: keepLast keeps the newest N; keepDaily/Weekly/Monthly keep the newest
 * backup of each of the newest N days / ISO weeks / months that have a backup (periods without one
 * do not count). A backup kept by any rule is kept. Only completed scheduled backups are candidates:
 * operator and pre-restore backups are never deleted by retention, running ones are not finished, and
 * failed ones hold nothing on the node. Pure: the time zone is an argument, Intl does no I/O.
 */

export interface RetentionCandidate {
  readonly id: string;
  /** ISO time the backup was taken (requested). */
  readonly takenAt: string;
  /** running | completed | failed */
  readonly state: string;
  /** operator | scheduled | pre-restore */
  readonly purpose: string;
}

/** The ids retention deletes, oldest first. */
export function backupsToPrune(backups: readonly RetentionCandidate[], policy: RetentionPolicy, timeZone = 'UTC'): string[] {
  const candidates = backups
    .filter((b) => b.purpose === 'scheduled' && b.state === 'completed')
    .sort((a, b) => (a.takenAt === b.takenAt ? (a.id < b.id ? 1 : -1) : a.takenAt < b.takenAt ? 1 : -1));
  const kept = new Set<string>(candidates.slice(0, policy.keepLast).map((b) => b.id));
  const periods: [number, (b: RetentionCandidate) => string][] = [
    [policy.keepDaily, (b) => localDate(b.takenAt, timeZone)],
    [policy.keepWeekly, (b) => isoWeek(localDate(b.takenAt, timeZone))],
    [policy.keepMonthly, (b) => localDate(b.takenAt, timeZone).slice(0, 7)],
  ];
  for (const [count, bucketOf] of periods) {
    const seen = new Set<string>();
    for (const b of candidates) {
      if (seen.size >= count) break;
      const bucket = bucketOf(b);
      if (seen.has(bucket)) continue;
      seen.add(bucket); // newest first, so the first of a bucket is its newest backup
      kept.add(b.id);
    }
  }
  return candidates.filter((b) => !kept.has(b.id)).map((b) => b.id).reverse();
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** YYYY-MM-DD of the instant in the zone. */
export function localDate(iso: string, timeZone: string): string {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** ISO 8601 week (YYYY-Www) of a calendar date: weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeek(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  const weekday = (day.getUTCDay() + 6) % 7; // Monday 0
  day.setUTCDate(day.getUTCDate() - weekday + 3); // the Thursday of this week
  const weekYear = day.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(weekYear, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((day.getTime() - firstThursday.getTime()) / (7 * 86_400_000));
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}
