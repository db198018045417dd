/** Small timing helpers. Numbers only: benchmarks never assert on speed. */

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Side {
  readonly name: string;
  /** Runs `n` operations (or one batch) and returns how many operations it did. */
  run(n: number): number | Promise<number>;
}

export interface Paired {
  /** ops/s per round for each side. */
  readonly rounds: Record<string, number[]>;
  /** median ops/s per side. */
  readonly rate: Record<string, number>;
}

/**
 * Runs the sides in alternating rounds (A B B A A B ...) so drift (thermal, page cache, a noisy
 * neighbour) hits both alike; every round does `perRound` operations. Reports the median round.
 */
export async function paired(sides: readonly Side[], rounds: number, perRound: number): Promise<Paired> {
  const out: Record<string, number[]> = Object.fromEntries(sides.map((s) => [s.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      maybeGc();
      const t0 = nowMs();
      const done = await side.run(perRound);
      const ms = nowMs() - t0;
      out[side.name].push((done / ms) * 1000);
    }
  }
  return { rounds: out, rate: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, median(v)])) };
}

export function maybeGc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

export function log(...args: unknown[]): void {
  process.stderr.write(`[bench] ${args.map(String).join(' ')}\n`);
}
