import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Page, readPage } from '../../common/page';
import { SqlReader } from '../../ports/sql-reader.port';
import { JobRow, JobView, toJobView } from '../job.view';
import { ListJobsQuery } from './list-jobs.query';

@QueryHandler(ListJobsQuery)
export class ListJobsHandler implements IQueryHandler<ListJobsQuery, Page<JobView>> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: ListJobsQuery): Promise<Page<JobView>> {
    const { state, siteId, nodeId, kind } = q.filter;
    return readPage<JobRow, JobView>(this.sql, {
      table: 'rm_jobs',
      limit: q.limit,
      cursor: q.cursor,
      equals: { state, site_id: siteId, node_id: nodeId, kind },
      map: toJobView,
    });
  }
}
