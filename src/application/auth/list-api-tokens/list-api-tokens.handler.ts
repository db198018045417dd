import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeCursor, Page, toPage } from '../../common/page';
import { SqlReader } from '../../ports/sql-reader.port';
import { ApiTokenRow, ApiTokenView, toApiTokenView } from '../auth.views';
import { ListApiTokensQuery } from './list-api-tokens.query';

type Row = ApiTokenRow & { last_used_at: number | null };

@QueryHandler(ListApiTokensQuery)
export class ListApiTokensHandler implements IQueryHandler<ListApiTokensQuery, Page<ApiTokenView>> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: ListApiTokensQuery): Promise<Page<ApiTokenView>> {
    const after = decodeCursor(q.cursor);
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: q.limit + 1 };
    if (after) (where.push('(t.created_at, t.id) > (@afterCreated, @afterId)'), Object.assign(params, { afterCreated: after[0], afterId: after[1] }));
    if (!q.includeRevoked) where.push('t.revoked_at IS NULL');
    const rows = this.sql.all<Row>(
      `SELECT t.*, u.last_used_at FROM rm_api_tokens t LEFT JOIN api_token_usage u ON u.token_id = t.id
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY t.created_at, t.id LIMIT @limit`,
      params,
    );
    return toPage(rows, q.limit, toApiTokenView);
  }
}
