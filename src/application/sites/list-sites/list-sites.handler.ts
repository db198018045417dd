import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Page, readPage } from '../../common/page';
import { SqlReader } from '../../ports/sql-reader.port';
import { SiteRow, SiteSummaryView, toSiteSummary } from '../site.view';
import { ListSitesQuery } from './list-sites.query';

const SEARCH = '(instr(lower(name), @search) > 0 OR instr(slug, @search) > 0 OR instr(primary_domain, @search) > 0)';

@QueryHandler(ListSitesQuery)
export class ListSitesHandler implements IQueryHandler<ListSitesQuery, Page<SiteSummaryView>> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: ListSitesQuery): Promise<Page<SiteSummaryView>> {
    return readPage<SiteRow, SiteSummaryView>(this.sql, {
      table: 'rm_sites',
      limit: q.limit,
      cursor: q.cursor,
      equals: { state: q.state },
      extra: q.search ? { where: SEARCH, params: { search: q.search.toLowerCase() } } : undefined,
      map: toSiteSummary,
    });
  }
}
