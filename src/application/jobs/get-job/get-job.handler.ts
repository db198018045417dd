import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../domain/common/domain-error';
import { SqlReader } from '../../ports/sql-reader.port';
import { JobRow, JobView, toJobView } from '../job.view';
import { GetJobQuery } from './get-job.query';

@QueryHandler(GetJobQuery)
export class GetJobHandler implements IQueryHandler<GetJobQuery, JobView> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: GetJobQuery): Promise<JobView> {
    const row = this.sql.get<JobRow>('SELECT * FROM rm_jobs WHERE id = ?', [q.jobId]);
    if (!row) throw new NotFound('job', q.jobId);
    return toJobView(row);
  }
}
