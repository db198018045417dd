/**
 * Poll `fn` until it returns a truthy value (or a promise of one), then return that value.
 * Errors thrown by `fn` count as "not yet" and are retried; the last error/value is reported
 * when the timeout expires. Tests use this instead of sleeping for fixed times.
 */
export interface PollOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Pause between attempts (default 200 ms). */
  intervalMs?: number;
  /** Text for the timeout error. */
  description?: string;
}

export async function pollUntil<T>(
  fn: () => T | Promise<T>,
  { timeoutMs, intervalMs = 200, description = 'condition' }: PollOptions,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`pollUntil: ${description} not met after ${timeoutMs} ms (${attempts} attempts); last: ${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
  }
}
