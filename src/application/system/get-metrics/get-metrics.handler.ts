import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventStore } from '../../ports/event-store.port';
import { JobQueueAdmin, JobState } from '../../ports/job-queue.port';
import { GetMetricsQuery } from './get-metrics.query';

export interface SystemMetrics {
  eventsAppended: number;
  jobsByState: Record<JobState, number>;
}

@QueryHandler(GetMetricsQuery)
export class GetMetricsHandler implements IQueryHandler<GetMetricsQuery, SystemMetrics> {
  constructor(
    private readonly store: EventStore,
    private readonly jobs: JobQueueAdmin,
  ) {}

  async execute(): Promise<SystemMetrics> {
    return { eventsAppended: this.store.count(), jobsByState: this.jobs.counts() };
  }
}
