/**
 * What every scheduler shares: a round every `intervalMs` on a timer that never keeps the process up,
 * and a guard that skips a round while the previous one still runs (a slow round never piles up).
 */
export class PeriodicRound {
  private timer?: NodeJS.Timeout;
  private running = false;

  start(intervalMs: number, round: () => unknown): void {
    this.timer = setInterval(() => void round(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Runs `round` unless one is running; then answers `skipped` at once. */
  async exclusive<T>(skipped: T, round: () => Promise<T>): Promise<T> {
    if (this.running) return skipped;
    this.running = true;
    try {
      return await round();
    } finally {
      this.running = false;
    }
  }
}
