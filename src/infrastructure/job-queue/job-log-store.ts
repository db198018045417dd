import type { Statement } from 'better-sqlite3';
import type { Database } from '../sqlite/database';

const MAX_LINE = 4000;

/** job_log: the lines job handlers write with ctx.log (read by ReadJobRunLogQuery). */
export class JobLogStore {
  private readonly insert: Statement;
  private readonly prune: Statement;

  constructor(db: Database) {
    this.insert = db.prepare(
      `INSERT INTO job_log (job_id, seq, at, text)
       VALUES (@jobId, coalesce((SELECT max(seq) FROM job_log WHERE job_id = @jobId), 0) + 1, @at, @text)`,
    );
    this.prune = db.prepare(
      `DELETE FROM job_log WHERE job_id IN (SELECT id FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?)`,
    );
  }

  append(jobId: string, text: string, at = new Date().toISOString()): void {
    this.insert.run({ jobId, at, text: text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text });
  }

  /** Deletes the lines of jobs that finished before `beforeMs`. */
  pruneFinishedBefore(beforeMs: number): number {
    return this.prune.run(beforeMs).changes;
  }
}
