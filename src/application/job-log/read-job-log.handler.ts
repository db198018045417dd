import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, NotFound } from '../../domain/common/domain-error';
import { EventStore, RecordedEvent } from '../ports/event-store.port';
import { SqlReader } from '../ports/sql-reader.port';
import { ReadJobLogQuery } from './read-job-log.query';

export interface JobLogLine {
  /** Opaque, increasing cursor of this line: send it back as `after` / Last-Event-ID. */
  id: string;
  at: string;
  /** event: the job's own stream; log: a worker line (ctx.log); ansible: a task event of one of its remote runs. */
  source: 'event' | 'log' | 'ansible';
  text: string;
  /** For Ansible lines: what the line reports (pages color by it). */
  tone?: 'task' | 'ok' | 'changed' | 'skipped' | 'failed';
}

export interface JobLogPage {
  lines: JobLogLine[];
  /** The job's state now; the stream ends once it is finished and every line was read. */
  state: string;
  finished: boolean;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The position of a reader in the three sources of a job's log:
 *   events  streamVersion of the last job-stream event read (events of `job-<id>`),
 *   log     seq of the last job_log line read (the worker's ctx.log lines),
 *   run     1-based number of the remote run (the job's remote_runs ordered by created_at, run_id)
 *           of the last Ansible event read, and
 *   seq     that run's run_events.seq.
 */
export interface LogCursor {
  events: number;
  log: number;
  run: number;
  seq: number;
}

/**
 * Cursor format `<events>.<log>.<run>.<seq>` (see LogCursor), e.g. `4.12.1.37`. Every part only
 * grows from one line to the next, so the id of a line is the whole position after it, and one
 * cursor resumes all three sources (a reconnect with Last-Event-ID misses and repeats nothing).
 * Shorter forms are accepted with the missing parts 0: the bare `<events>` the log used before run
 * lines joined it still resumes. Runs of a job follow each other (a run is concluded, its events
 * drained, before the next one is created), so (run, seq) increases as run events are stored.
 */
export function parseLogCursor(raw: string | undefined): LogCursor {
  if (raw === undefined || raw === '') return { events: 0, log: 0, run: 0, seq: 0 };
  const match = /^(\d{1,12})(?:\.(\d{1,15}))?(?:\.(\d{1,6})\.(\d{1,15}))?$/.exec(raw);
  if (!match) throw new DomainError('VALIDATION_FAILED', 'after / Last-Event-ID must be a log cursor such as "3.0.0.0"', { fields: { after: ['not a log cursor'] } });
  return { events: Number(match[1]), log: Number(match[2] ?? 0), run: Number(match[3] ?? 0), seq: Number(match[4] ?? 0) };
}

export function formatLogCursor(c: LogCursor): string {
  return `${c.events}.${c.log}.${c.run}.${c.seq}`;
}

/** The Ansible events that become lines; others (e.g. unparsed lines) are never shown, nor are vars. */
const SHOWN_RUN_EVENTS = [
  'playbook_start',
  'task_start',
  'handler_task_start',
  'runner_on_ok',
  'runner_on_failed',
  'runner_on_skipped',
  'runner_on_unreachable',
  'playbook_on_stats',
];

/**
 * The remote runner also echoes every Ansible event into job_log (`TASK …`, `  ok: host`, `RECAP …`).
 * For jobs with remote runs those lines come from run_events instead (with task, host and message),
 * so the echoes are left out here (in SQL, so skipped rows never stall a page).
 */
const RUNNER_ECHO = `(text GLOB 'TASK *' OR text GLOB 'RECAP *' OR text GLOB '  ok: *' OR text GLOB '  changed: *'
  OR text GLOB '  skipped: *' OR text GLOB '  failed*: *' OR text GLOB '  unreachable*: *' OR text = '(unparsed event line)')`;

const MSG_MAX = 500;

interface Entry {
  key: string;
  order: number;
  source: JobLogLine['source'];
  text: string;
  tone?: JobLogLine['tone'];
  advance: (c: LogCursor) => LogCursor;
}

interface RunRow {
  run_id: string;
  playbook: string;
  created_at: number;
  finished_at: number | null;
}

interface RunEventRow {
  seq: number;
  event: string;
  task: string | null;
  host: string | null;
  changed: number | null;
  ts: string | null;
  data: string;
}

/**
 * The live log of a job: its own events, the worker's log lines and the Ansible task events of its
 * remote runs, interleaved by time (each source stays in its own order), after a cursor.
 */
@QueryHandler(ReadJobLogQuery)
export class ReadJobLogHandler implements IQueryHandler<ReadJobLogQuery, JobLogPage> {
  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlReader,
  ) {}

  async execute(q: ReadJobLogQuery): Promise<JobLogPage> {
    const cursor = parseLogCursor(q.after);
    const job = this.sql.get<{ state: string }>('SELECT state FROM rm_jobs WHERE id = ?', [q.jobId]);
    if (!job) throw new NotFound('job', q.jobId);
    const runs = this.sql.all<RunRow>('SELECT run_id, playbook, created_at, finished_at FROM remote_runs WHERE job_id = ? ORDER BY created_at, run_id', [q.jobId]);

    const entries: Entry[] = [
      ...this.events(q.jobId, cursor, q.limit),
      ...this.workerLines(q.jobId, cursor, q.limit, runs.length > 0),
      ...this.runLines(runs, cursor, q.limit),
    ];
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.order - b.order));
    let at = cursor;
    const lines = entries.slice(0, q.limit).map((e) => {
      at = e.advance(at);
      return { id: formatLogCursor(at), at: e.key, source: e.source, text: e.text, ...(e.tone ? { tone: e.tone } : {}) };
    });
    return { lines, state: job.state, finished: FINISHED.has(job.state) };
  }

  private events(jobId: string, cursor: LogCursor, limit: number): Entry[] {
    return this.store
      .readStream(`job-${jobId}`)
      .events.filter((e) => e.streamVersion > cursor.events)
      .slice(0, limit)
      .map((e, i) => ({ key: e.recordedAt, order: i, source: 'event' as const, text: describe(e), advance: (c) => ({ ...c, events: e.streamVersion }) }));
  }

  private workerLines(jobId: string, cursor: LogCursor, limit: number, hideRunnerEcho: boolean): Entry[] {
    return this.sql
      .all<{ seq: number; at: string; text: string }>(
        `SELECT seq, at, text FROM job_log WHERE job_id = ? AND seq > ?${hideRunnerEcho ? ` AND NOT ${RUNNER_ECHO}` : ''} ORDER BY seq LIMIT ?`,
        [jobId, cursor.log, limit],
      )
      .map((l) => ({ key: l.at, order: 1_000_000 + l.seq, source: 'log' as const, text: l.text, advance: (c) => ({ ...c, log: l.seq }) }));
  }

  private runLines(runs: RunRow[], cursor: LogCursor, limit: number): Entry[] {
    const out: Entry[] = [];
    const shown = SHOWN_RUN_EVENTS.map(() => '?').join(', ');
    for (let i = Math.max(cursor.run, 1); i <= runs.length && out.length < limit; i++) {
      const run = runs[i - 1];
      const after = i === cursor.run ? cursor.seq : 0;
      const rows = this.sql.all<RunEventRow>(
        `SELECT seq, event, task, host, changed, ts, data FROM run_events WHERE run_id = ? AND seq > ? AND event IN (${shown}) ORDER BY seq LIMIT ?`,
        [run.run_id, after, ...SHOWN_RUN_EVENTS, limit - out.length],
      );
      // Remote clocks drift: a line's time stays within the run's life as the control plane saw it.
      const from = new Date(run.created_at).toISOString();
      const to = run.finished_at === null ? null : new Date(run.finished_at).toISOString();
      let last = from;
      for (const r of rows) {
        let key = r.ts && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(r.ts) ? r.ts : last;
        if (key < last) key = last;
        if (to !== null && key > to) key = to;
        last = key;
        const runNo = i;
        const data = parseData(r.data);
        out.push({ key, order: 2_000_000 + out.length, source: 'ansible', text: describeRunEvent(r, data, run), tone: toneOf(r, data), advance: (c) => ({ ...c, run: runNo, seq: r.seq }) });
      }
    }
    return out;
  }
}

function describe(e: RecordedEvent): string {
  const d = e.data as Record<string, unknown>;
  const error = d.error as { code?: string; message?: string } | undefined;
  const parts = [e.type];
  if (typeof d.kind === 'string') parts.push(d.kind);
  if (typeof d.attempt === 'number') parts.push(`attempt ${d.attempt}`);
  if (typeof d.workerId === 'string') parts.push(`on ${d.workerId}`);
  if (error) parts.push(`${error.code ?? ''}: ${error.message ?? ''}`);
  if (typeof d.runAfter === 'string') parts.push(`next attempt after ${d.runAfter}`);
  if (d.summary !== undefined) parts.push(typeof d.summary === 'string' ? d.summary : JSON.stringify(d.summary));
  return parts.join(' · ');
}

/**
 * One Ansible event as a line: task name, host, outcome and, for failures only, the callback's message
 * (already `censored` for no_log tasks). Nothing else of the event (results, vars) is ever printed.
 */
function describeRunEvent(r: RunEventRow, data: Record<string, unknown>, run: RunRow): string {
  const task = r.task ?? '?';
  const host = r.host ?? '?';
  switch (r.event) {
    case 'playbook_start':
      return `PLAY ${typeof data.playbook === 'string' ? data.playbook : run.playbook} · run ${run.run_id}`;
    case 'task_start':
      return `TASK [${task}]`;
    case 'handler_task_start':
      return `HANDLER [${task}]`;
    case 'runner_on_ok':
      return `${r.changed === 1 ? 'changed' : 'ok'}: [${host}] ${task}`;
    case 'runner_on_skipped':
      return `skipped: [${host}] ${task}`;
    case 'runner_on_failed':
    case 'runner_on_unreachable': {
      const outcome = r.event === 'runner_on_failed' ? 'failed' : 'unreachable';
      const ignored = data.ignore_errors === true ? ' (ignored)' : '';
      const msg = typeof data.msg === 'string' && data.msg !== '' ? ` — ${data.msg.length > MSG_MAX ? `${data.msg.slice(0, MSG_MAX)}…` : data.msg}` : '';
      return `${outcome}${ignored}: [${host}] ${task}${msg}`;
    }
    case 'playbook_on_stats': {
      const stats = (data.stats && typeof data.stats === 'object' ? data.stats : {}) as Record<string, Record<string, unknown>>;
      const hosts = Object.entries(stats).map(
        ([h, s]) => `${h} ok=${num(s.ok)} changed=${num(s.changed)} failed=${num(s.failures)} unreachable=${num(s.unreachable)} skipped=${num(s.skipped)}`,
      );
      return `RECAP ${hosts.length ? hosts.join('; ') : '(no hosts)'}`;
    }
    default:
      return r.event;
  }
}

function parseData(raw: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {}; // unreadable: the columns alone
  }
}

function toneOf(r: RunEventRow, data: Record<string, unknown>): JobLogLine['tone'] {
  switch (r.event) {
    case 'playbook_start':
    case 'task_start':
    case 'handler_task_start':
      return 'task';
    case 'runner_on_ok':
      return r.changed === 1 ? 'changed' : 'ok';
    case 'runner_on_skipped':
      return 'skipped';
    case 'runner_on_failed':
    case 'runner_on_unreachable':
      return data.ignore_errors === true ? 'skipped' : 'failed';
    default:
      return undefined;
  }
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
