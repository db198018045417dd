import type { Database } from '../sqlite/database';
import { immediate } from '../sqlite/database';

export type RemoteRunState = 'preparing' | 'launched' | 'succeeded' | 'failed' | 'cancelled' | 'lost';

export interface RemoteRunRow {
  run_id: string;
  job_id: string | null;
  node_id: string;
  playbook: string;
  bundle_hash: string;
  state: RemoteRunState;
  rc: number | null;
  event_offset: number;
  event_seq: number;
  stats: string | null;
  /** The job run (jobs.run) and operation step this run belongs to. */
  job_run: number;
  step: string | null;
  /** JSON of the recorded RecordedRunResult, written when the run ends. */
  result: string | null;
  created_at: number;
  launched_at: number | null;
  finished_at: number | null;
}

export interface RunEventRow {
  readonly seq: number;
  readonly event: string;
  readonly task: string | null;
  readonly host: string | null;
  readonly changed: boolean | null;
  readonly data: Record<string, unknown>;
  readonly ts: string | null;
}

/** remote_runs + run_events (operational tables, not part of the event store). */
export class SqliteRunStore {
  constructor(private readonly db: Database) {}

  get(runId: string): RemoteRunRow | undefined {
    return this.db.prepare('SELECT * FROM remote_runs WHERE run_id = ?').get(runId) as RemoteRunRow | undefined;
  }

  insert(
    row: Pick<RemoteRunRow, 'run_id' | 'job_id' | 'node_id' | 'playbook' | 'bundle_hash' | 'state'> & Partial<Pick<RemoteRunRow, 'job_run' | 'step'>>,
    now = Date.now(),
  ): void {
    this.db
      .prepare(
        `INSERT INTO remote_runs (run_id, job_id, node_id, playbook, bundle_hash, state, job_run, step, created_at)
         VALUES (@run_id, @job_id, @node_id, @playbook, @bundle_hash, @state, @job_run, @step, @now) ON CONFLICT (run_id) DO NOTHING`,
      )
      .run({ job_run: 1, step: null, ...row, now });
  }

  /** The latest run of one step of one job run (the one an attempt attaches to or reads the result of). */
  latestOfStep(jobId: string, jobRun: number, step: string): RemoteRunRow | undefined {
    return this.db
      .prepare('SELECT * FROM remote_runs WHERE job_id = ? AND job_run = ? AND step = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .get(jobId, jobRun, step) as RemoteRunRow | undefined;
  }

  markLaunched(runId: string, now = Date.now()): void {
    this.db
      .prepare(`UPDATE remote_runs SET state = 'launched', launched_at = coalesce(launched_at, ?) WHERE run_id = ? AND finished_at IS NULL`)
      .run(now, runId);
  }

  /** Stores parsed events and the new byte offset in one transaction (a re-attach continues from there). */
  appendEvents(runId: string, events: readonly RunEventRow[], newOffset: number): void {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO run_events (run_id, seq, event, task, host, changed, data, ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    immediate(this.db, () => {
      for (const e of events) {
        insert.run(runId, e.seq, e.event, e.task, e.host, e.changed === null ? null : e.changed ? 1 : 0, JSON.stringify(e.data), e.ts);
      }
      const lastSeq = events.length ? events[events.length - 1].seq : null;
      this.db
        .prepare(`UPDATE remote_runs SET event_offset = ?, event_seq = coalesce(?, event_seq) WHERE run_id = ?`)
        .run(newOffset, lastSeq, runId);
    });
  }

  /** Records the end of a run and its result in one statement: what a later attempt of the job reads back. */
  finish(runId: string, state: RemoteRunState, rc: number | null, stats: unknown, result: unknown = null, now = Date.now()): void {
    this.db
      .prepare(`UPDATE remote_runs SET state = ?, rc = ?, stats = ?, result = ?, finished_at = ? WHERE run_id = ?`)
      .run(state, rc, stats === undefined || stats === null ? null : JSON.stringify(stats), result === null ? null : JSON.stringify(result), now, runId);
  }

  events(runId: string, afterSeq = 0, limit = 1000): RunEventRow[] {
    const rows = this.db
      .prepare('SELECT * FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(runId, afterSeq, limit) as Array<{ seq: number; event: string; task: string | null; host: string | null; changed: number | null; data: string; ts: string | null }>;
    return rows.map((r) => ({ ...r, changed: r.changed === null ? null : r.changed === 1, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  /** Deletes events of runs finished before `beforeMs` (run_events is prunable). */
  pruneEvents(beforeMs: number): number {
    return this.db
      .prepare(`DELETE FROM run_events WHERE run_id IN (SELECT run_id FROM remote_runs WHERE finished_at IS NOT NULL AND finished_at < ?)`)
      .run(beforeMs).changes;
  }
}
