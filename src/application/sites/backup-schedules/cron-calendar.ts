import { CronExpressionParser } from 'cron-parser';

/*
 * The due times of a schedule's cron expression, read by cron-parser (a maintained library) in the
 * schedule's IANA time zone, so 02:00 Europe/Berlin stays 02:00 local across DST changes. Pure given
 * its arguments: the caller passes the instants.
 */

/** Why cron-parser refuses the expression, or null when it parses and names at least one time. */
export function cronProblem(cron: string, timeZone: string): string | null {
  try {
    const expression = CronExpressionParser.parse(cron, { tz: safeZone(timeZone), currentDate: new Date(0) });
    expression.next();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export interface DueTimes {
  /** Oldest first, at most `limit` of them (the newest are kept when there are more). */
  readonly times: string[];
  /** All due times in the range (exact up to `countLimit`). */
  readonly count: number;
}

/** Due times in (after, until], oldest first. */
export function dueTimesBetween(cron: string, timeZone: string, afterIso: string, untilIso: string, limit = 21, countLimit = 100_000): DueTimes {
  if (untilIso <= afterIso) return { times: [], count: 0 };
  const expression = CronExpressionParser.parse(cron, { tz: safeZone(timeZone), currentDate: new Date(afterIso), endDate: new Date(untilIso) });
  const first: string[] = [];
  const last: string[] = [];
  let count = 0;
  while (count < countLimit && expression.hasNext()) {
    const at = expression.next().toDate().toISOString();
    count++;
    if (first.length < limit) first.push(at);
    else {
      last.push(at);
      if (last.length > 1) last.shift();
    }
  }
  // the first ones (to name the missed) and always the newest (the one caught up)
  return { times: [...first, ...last], count };
}

/** The next due time after `afterIso`, or null. */
export function nextDueTime(cron: string, timeZone: string, afterIso: string): string | null {
  try {
    return CronExpressionParser.parse(cron, { tz: safeZone(timeZone), currentDate: new Date(afterIso) }).next().toDate().toISOString();
  } catch {
    return null;
  }
}

function safeZone(timeZone: string): string {
  return timeZone || 'UTC';
}
