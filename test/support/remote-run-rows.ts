import { JobLogStore } from '../../src/infrastructure/job-queue/job-log-store';
import type { Database } from '../../src/infrastructure/sqlite/database';
import { RunEventRow, SqliteRunStore } from '../../src/infrastructure/remote-runner/sqlite-run-store';

type EventInput = Omit<RunEventRow, 'seq' | 'ts' | 'data'> & { data?: Record<string, unknown> };

/**
 * Writes a job's worker log lines and a remote run's Ansible events through the stores the worker
 * and the remote runner use (JobLogStore, SqliteRunStore), as a run on a node would.
 */
export class RemoteRunRows {
  private readonly runs: SqliteRunStore;
  private readonly logs: JobLogStore;
  private seq = 0;
  private offset = 0;

  constructor(
    db: Database,
    readonly jobId: string,
    readonly nodeId: string,
    readonly runId = `run-${Math.random().toString(36).slice(2, 10)}`,
  ) {
    this.runs = new SqliteRunStore(db);
    this.logs = new JobLogStore(db);
  }

  log(text: string): this {
    this.logs.append(this.jobId, text);
    return this;
  }

  start(playbook: string): this {
    this.runs.insert({ run_id: this.runId, job_id: this.jobId, node_id: this.nodeId, playbook, bundle_hash: 'test', state: 'preparing' });
    this.runs.markLaunched(this.runId);
    return this;
  }

  /** Appends events as one poll would (seq and ts as the callback sets them). */
  events(...events: EventInput[]): this {
    const rows = events.map((e) => {
      const seq = ++this.seq;
      const ts = new Date().toISOString();
      return { seq, ts, event: e.event, task: e.task, host: e.host, changed: e.changed, data: { seq, ts, event: e.event, task: e.task, host: e.host, changed: e.changed, ...e.data } };
    });
    this.offset += rows.reduce((n, r) => n + JSON.stringify(r.data).length + 1, 0);
    this.runs.appendEvents(this.runId, rows, this.offset);
    return this;
  }

  finish(state: 'succeeded' | 'failed', rc: number, stats: unknown): this {
    this.runs.finish(this.runId, state, rc, stats);
    return this;
  }
}

export const task = (name: string): EventInput => ({ event: 'task_start', task: name, host: null, changed: null });
export const result = (event: string, name: string, host: string, changed: boolean, data: Record<string, unknown> = {}): EventInput => ({ event, task: name, host, changed, data });
