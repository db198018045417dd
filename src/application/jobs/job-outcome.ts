import type { EventStore } from '../ports/event-store.port';
import type { SqlReader } from '../ports/sql-reader.port';

/** The Ansible recap of one host in one run (from playbook_on_stats). */
export interface HostRecap {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
}

export interface RunOutcome {
  runId: string;
  playbook: string;
  /** preparing | launched | succeeded | failed | cancelled | lost */
  state: string;
  rc: number | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** Per host, as Ansible's PLAY RECAP; empty until the run reported its stats. */
  hosts: Record<string, HostRecap>;
}

/** What a job did: when it ran, how long it took, and the recap of each of its remote runs. */
export interface JobOutcome {
  /** The first JobStarted (null while queued). */
  startedAt: string | null;
  /** The JobSucceeded/JobFailed/JobCancelled (null while unfinished). */
  finishedAt: string | null;
  durationMs: number | null;
  /** The handler's summary line of a succeeded job, when it gave one. */
  summary: string | null;
  runs: RunOutcome[];
}

const TERMINAL = new Set(['JobSucceeded', 'JobFailed', 'JobCancelled']);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function recap(stats: string | null): Record<string, HostRecap> {
  if (stats === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(stats);
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object') return {};
  return Object.fromEntries(
    Object.entries(parsed as Record<string, Record<string, unknown>>).map(([host, s]) => [
      host,
      { ok: count(s?.ok), changed: count(s?.changed), failed: count(s?.failures), skipped: count(s?.skipped), unreachable: count(s?.unreachable) },
    ]),
  );
}

/** The outcome of one job from its own stream and its remote_runs rows (nothing is stored twice). */
export function readJobOutcome(store: EventStore, sql: SqlReader, jobId: string): JobOutcome {
  const events = store.readStream(`job-${jobId}`).events;
  const started = events.find((e) => e.type === 'JobStarted');
  const finished = [...events].reverse().find((e) => TERMINAL.has(e.type));
  const summary = finished?.type === 'JobSucceeded' ? (finished.data as { summary?: unknown }).summary : undefined;
  const runs = sql
    .all<{ run_id: string; playbook: string; state: string; rc: number | null; stats: string | null; created_at: number; finished_at: number | null }>(
      'SELECT run_id, playbook, state, rc, stats, created_at, finished_at FROM remote_runs WHERE job_id = ? ORDER BY created_at, run_id',
      [jobId],
    )
    .map((r) => ({
      runId: r.run_id,
      playbook: r.playbook,
      state: r.state,
      rc: r.rc,
      startedAt: iso(r.created_at) as string,
      finishedAt: iso(r.finished_at),
      durationMs: r.finished_at === null ? null : r.finished_at - r.created_at,
      hosts: recap(r.stats),
    }));
  const startedAt = started?.recordedAt ?? null;
  const finishedAt = finished?.recordedAt ?? null;
  return {
    startedAt,
    finishedAt,
    durationMs: startedAt && finishedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : null,
    summary: typeof summary === 'string' ? summary : null,
    runs,
  };
}
