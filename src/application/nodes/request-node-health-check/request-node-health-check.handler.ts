import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, NotFound } from '../../../domain/common/domain-error';
import { EnqueueJob } from '../../jobs/enqueue-job/enqueue-job.service';
import type { EnqueuedJob } from '../../ports/event-store.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { healthCheckJobRequest } from '../node-jobs/node-job-requests';
import { RequestNodeHealthCheckCommand } from './request-node-health-check.command';

/** Queues a node.health-check job (or returns the one already waiting for this node). */
@CommandHandler(RequestNodeHealthCheckCommand)
export class RequestNodeHealthCheckHandler implements ICommandHandler<RequestNodeHealthCheckCommand, EnqueuedJob> {
  constructor(
    private readonly sql: SqlReader,
    private readonly enqueue: EnqueueJob,
  ) {}

  async execute({ nodeId, meta }: RequestNodeHealthCheckCommand): Promise<EnqueuedJob> {
    const row = this.sql.get<{ status: string }>('SELECT status FROM rm_nodes WHERE id = ?', [nodeId]);
    if (!row) throw new NotFound('node', nodeId);
    if (row.status === 'decommissioned') {
      throw new DomainError('INVALID_STATE_TRANSITION', `node ${nodeId} is decommissioned`, { nodeId, status: row.status });
    }
    return this.enqueue.run(healthCheckJobRequest(nodeId), meta);
  }
}
