import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../domain/common/domain-error';
import { SqlReader } from '../../ports/sql-reader.port';
import { NodeRow, NodeView, toNodeView } from '../node.view';
import { GetNodeQuery } from './get-node.query';

@QueryHandler(GetNodeQuery)
export class GetNodeHandler implements IQueryHandler<GetNodeQuery, NodeView> {
  constructor(private readonly sql: SqlReader) {}

  async execute(q: GetNodeQuery): Promise<NodeView> {
    const row = this.sql.get<NodeRow>('SELECT * FROM rm_nodes WHERE id = ?', [q.nodeId]);
    if (!row) throw new NotFound('node', q.nodeId);
    return toNodeView(row);
  }
}
