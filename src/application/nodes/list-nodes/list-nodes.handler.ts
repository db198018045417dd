import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Page, readPage } from '../../common/page';
import { SqlReader } from '../../ports/sql-reader.port';
import { NodeRow, NodeView, toNodeView } from '../node.view';
import { ListNodesQuery } from './list-nodes.query';

@QueryHandler(ListNodesQuery)
export class ListNodesHandler implements IQueryHandler<ListNodesQuery, Page<NodeView>> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: ListNodesQuery): Promise<Page<NodeView>> {
    return readPage<NodeRow, NodeView>(this.sql, { table: 'rm_nodes', limit: q.limit, cursor: q.cursor, equals: { status: q.status }, map: toNodeView });
  }
}
