import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, NotFound } from '../../domain/shared/domain-error';
import { EventStore, RecordedEvent } from '../ports/event-store.port';
import { SqlReader } from '../ports/sql-reader.port';
import { ReadJobLogQuery } from './read-job-log.query';

export interface JobLogLine {
  /** Opaque, increasing cursor of this line: send it back as `after` / Last-Event-ID. */
  id: string;
  at: string;
  source: 'event' | 'run';
  text: string;
}

export interface JobLogPage {
  lines: JobLogLine[];
  /** The job's state now; the stream ends once it is finished and every line was read. */
  state: string;
  finished: boolean;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Cursor format `<streamVersion>` today: the lines are the events of the job's stream. When Ansible
 * task events land in run_events, they join here as a second source and the cursor becomes
 * `<streamVersion>.<runEventSeq>` (both parts increase; a bare `<n>` still parses as `<n>.0`), so
 * clients that resume with an old Last-Event-ID keep working.
 */
export function parseLogCursor(raw: string | undefined): { events: number; run: number } {
  if (raw === undefined || raw === '') return { events: 0, run: 0 };
  const match = /^(\d{1,12})(?:\.(\d{1,15}))?$/.exec(raw);
  if (!match) throw new DomainError('VALIDATION_FAILED', 'after / Last-Event-ID must be a log cursor such as "3"', { fields: { after: ['not a log cursor'] } });
  return { events: Number(match[1]), run: Number(match[2] ?? 0) };
}

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
    const lines = this.store
      .readStream(`job-${q.jobId}`)
      .events.filter((e) => e.streamVersion > cursor.events)
      .slice(0, q.limit)
      .map((e) => ({ id: String(e.streamVersion), at: e.recordedAt, source: 'event' as const, text: describe(e) }));
    return { lines, state: job.state, finished: FINISHED.has(job.state) };
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
