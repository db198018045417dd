import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { fmt, pct } from './timing';

/** One comparison: the product figure against its baseline, measured in the same run. */
export interface BenchResult {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly product: number;
  readonly productLabel: string;
  readonly baseline: number;
  readonly baselineLabel: string;
  /** Minimum product/baseline ratio we aim for (undefined: reported only). */
  readonly goal?: number;
  /** Extra figures (p99 latency, rounds, sizes) shown under the table. */
  readonly notes?: readonly string[];
}

export interface BenchSection {
  readonly id: string;
  readonly title: string;
  readonly setup: readonly string[];
  readonly results: readonly BenchResult[];
  readonly seconds: number;
}

export function machineFacts(): string[] {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) model = line.split(':').slice(1).join(':').trim();
  } catch {
    /* not Linux */
  }
  const db = new BetterSqlite3(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const bsVersion = (require('better-sqlite3/package.json') as { version: string }).version;
  return [
    `- Date: ${new Date().toISOString()}`,
    `- CPU: ${model} (${cpus().length} cores visible to Node), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `- Node ${process.version} (${process.platform}/${process.arch})`,
    `- better-sqlite3 ${bsVersion}, SQLite ${sqlite}`,
    `- Load average at the end of the run (1/5/15 min): ${loadavg().map((x) => x.toFixed(2)).join(' / ')}; other processes on the machine are not controlled, so absolute figures move between runs while the same-run ratios are the figures to compare`,
    `- Temp SQLite files in the OS temp dir (journal_mode=WAL, foreign_keys=ON, busy_timeout=5000, synchronous as stated), opened with Pressluft's openDatabase on both sides`,
  ];
}

export function renderSections(sections: readonly BenchSection[], totalSeconds: number): string {
  const lines: string[] = [];
  lines.push('## Machine', '', ...machineFacts(), `- Whole run: ${totalSeconds.toFixed(0)} s`, '');
  lines.push('## Summary', '', '| Benchmark | Pressluft | Baseline | Ratio | Goal | Met |', '|---|---:|---:|---:|---:|:-:|');
  for (const s of sections) {
    for (const r of s.results) {
      const ratio = r.product / r.baseline;
      lines.push(
        `| ${r.title} | ${fmt(r.product)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} | ${pct(ratio)} | ${r.goal === undefined ? '–' : `≥ ${pct(r.goal)}`} | ${
          r.goal === undefined ? '–' : ratio >= r.goal ? 'yes' : '**no**'
        } |`,
      );
    }
  }
  lines.push('');
  for (const s of sections) {
    lines.push(`## ${s.title}`, '', ...s.setup.map((l) => `- ${l}`), `- Took ${s.seconds.toFixed(0)} s`, '');
    for (const r of s.results) {
      lines.push(`**${r.title}**: ${r.productLabel} **${fmt(r.product)} ${r.unit}**; ${r.baselineLabel} **${fmt(r.baseline)} ${r.unit}**; ratio **${pct(r.product / r.baseline)}**${r.goal === undefined ? '' : ` (goal ≥ ${pct(r.goal)})`}.`, '');
      for (const n of r.notes ?? []) lines.push(`- ${n}`);
      if (r.notes?.length) lines.push('');
    }
  }
  return lines.join('\n');
}

export const BEGIN = '<!-- BEGIN GENERATED: npm run bench overwrites everything between these markers -->';
export const END = '<!-- END GENERATED -->';

/** Replaces the generated section of docs/benchmarks.md, keeping the hand-written text around it. */
export function writeReport(file: string, generated: string): void {
  const fresh = `# Benchmarks\n\nRun with \`npm run bench\`.\n\n${BEGIN}\n${END}\n`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : fresh;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const base = start >= 0 && end > start ? text : fresh;
  const s = base.indexOf(BEGIN);
  const e = base.indexOf(END);
  writeFileSync(file, `${base.slice(0, s + BEGIN.length)}\n\n${generated}\n${base.slice(e)}`);
}
