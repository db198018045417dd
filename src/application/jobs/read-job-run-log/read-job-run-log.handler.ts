import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../domain/common/domain-error';
import { SqlReader } from '../../ports/sql-reader.port';
import { ListRunEventsQuery, ReadJobRunLogQuery } from './read-job-run-log.query';

export interface JobRunLogLine {
  seq: number;
  at: string;
  text: string;
}

export interface JobRunView {
  runId: string;
  playbook: string;
  state: string;
  rc: number | null;
  stats: Record<string, unknown> | null;
  createdAt: string;
  launchedAt: string | null;
  finishedAt: string | null;
}

export interface JobRunLogPage {
  jobId: string;
  state: string;
  finished: boolean;
  lines: JobRunLogLine[];
  /** Cursor for the next call (`after`): the last line's seq, or the one given when there were none. */
  next: number;
  runs: JobRunView[];
}

export interface RunEventView {
  seq: number;
  event: string;
  task: string | null;
  host: string | null;
  changed: boolean | null;
  ts: string | null;
  data: Record<string, unknown>;
}

export interface RunEventsPage {
  jobId: string;
  runId: string;
  items: RunEventView[];
  next: number;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function jobState(sql: SqlReader, jobId: string): string {
  const job = sql.get<{ state: string }>('SELECT state FROM jobs WHERE id = ?', [jobId]);
  if (!job) throw new NotFound('job', jobId);
  return job.state;
}

@QueryHandler(ReadJobRunLogQuery)
export class ReadJobRunLogHandler implements IQueryHandler<ReadJobRunLogQuery, JobRunLogPage> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: ReadJobRunLogQuery): Promise<JobRunLogPage> {
    const state = jobState(this.sql, q.jobId);
    const lines = this.sql.all<JobRunLogLine>('SELECT seq, at, text FROM job_log WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?', [
      q.jobId,
      q.afterSeq,
      q.limit,
    ]);
    const runs = this.sql
      .all<{ run_id: string; playbook: string; state: string; rc: number | null; stats: string | null; created_at: number; launched_at: number | null; finished_at: number | null }>(
        'SELECT run_id, playbook, state, rc, stats, created_at, launched_at, finished_at FROM remote_runs WHERE job_id = ? ORDER BY created_at, run_id',
        [q.jobId],
      )
      .map((r) => ({
        runId: r.run_id,
        playbook: r.playbook,
        state: r.state,
        rc: r.rc,
        stats: r.stats === null ? null : (JSON.parse(r.stats) as Record<string, unknown>),
        createdAt: iso(r.created_at) as string,
        launchedAt: iso(r.launched_at),
        finishedAt: iso(r.finished_at),
      }));
    return { jobId: q.jobId, state, finished: FINISHED.has(state), lines, next: lines.length ? lines[lines.length - 1].seq : q.afterSeq, runs };
  }
}

@QueryHandler(ListRunEventsQuery)
export class ListRunEventsHandler implements IQueryHandler<ListRunEventsQuery, RunEventsPage> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: ListRunEventsQuery): Promise<RunEventsPage> {
    jobState(this.sql, q.jobId);
    if (!this.sql.get('SELECT 1 FROM remote_runs WHERE run_id = ? AND job_id = ?', [q.runId, q.jobId])) throw new NotFound('run', q.runId);
    const items = this.sql
      .all<{ seq: number; event: string; task: string | null; host: string | null; changed: number | null; ts: string | null; data: string }>(
        'SELECT seq, event, task, host, changed, ts, data FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
        [q.runId, q.afterSeq, q.limit],
      )
      .map((r) => ({ ...r, changed: r.changed === null ? null : r.changed === 1, data: JSON.parse(r.data) as Record<string, unknown> }));
    return { jobId: q.jobId, runId: q.runId, items, next: items.length ? items[items.length - 1].seq : q.afterSeq };
  }
}
