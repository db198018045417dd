import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventStore } from '../../ports/event-store.port';
import { JobQueueAdmin, JobState } from '../../ports/job-queue.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { GetMetricsQuery } from './get-metrics.query';

export interface SystemMetrics {
  eventsAppended: number;
  jobsByState: Record<JobState, number>;
  /** Jobs in the queue by state and kind. */
  jobs: { state: string; kind: string; count: number }[];
  /** Every node that is not decommissioned, with its status (the health checks keep it current). */
  nodes: { id: string; name: string; status: string }[];
}

@QueryHandler(GetMetricsQuery)
export class GetMetricsHandler implements IQueryHandler<GetMetricsQuery, SystemMetrics> {
  constructor(
    private readonly store: EventStore,
    private readonly jobs: JobQueueAdmin,
    private readonly sql: SqlReader,
  ) {}

  async execute(): Promise<SystemMetrics> {
    return {
      eventsAppended: this.store.count(),
      jobsByState: this.jobs.counts(),
      jobs: this.sql.all<{ state: string; kind: string; count: number }>('SELECT state, kind, count(*) AS count FROM jobs GROUP BY state, kind ORDER BY state, kind'),
      nodes: this.sql.all<{ id: string; name: string; status: string }>("SELECT id, name, status FROM rm_nodes WHERE status <> 'decommissioned' ORDER BY name, id"),
    };
  }
}
