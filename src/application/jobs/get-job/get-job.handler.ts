import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../domain/common/domain-error';
import { EventStore } from '../../ports/event-store.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { JobOutcome, readJobOutcome } from '../job-outcome';
import { JobRow, JobView, toJobView } from '../job.view';
import { GetJobQuery } from './get-job.query';

/** One job with its outcome (timing and the Ansible recap of its remote runs). */
export type JobDetailView = JobView & { outcome: JobOutcome };

@QueryHandler(GetJobQuery)
export class GetJobHandler implements IQueryHandler<GetJobQuery, JobDetailView> {
  constructor(
    private readonly sql: SqlReader,
    private readonly store: EventStore,
  ) {}

  async execute(q: GetJobQuery): Promise<JobDetailView> {
    const row = this.sql.get<JobRow>('SELECT * FROM rm_jobs WHERE id = ?', [q.jobId]);
    if (!row) throw new NotFound('job', q.jobId);
    return { ...toJobView(row), outcome: readJobOutcome(this.store, this.sql, q.jobId) };
  }
}
