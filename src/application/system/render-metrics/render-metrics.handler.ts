import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { MetricsRegistry, RenderedMetrics } from '../../ports/metrics.port';
import { GetMetricsQuery } from '../get-metrics/get-metrics.query';
import type { SystemMetrics } from '../get-metrics/get-metrics.handler';
import { RenderMetricsQuery } from './render-metrics.query';

@QueryHandler(RenderMetricsQuery)
export class RenderMetricsHandler implements IQueryHandler<RenderMetricsQuery, RenderedMetrics> {
  constructor(
    private readonly queries: QueryBus,
    private readonly metrics: MetricsRegistry,
  ) {}

  async execute(q: RenderMetricsQuery): Promise<RenderedMetrics> {
    return this.metrics.render(await this.queries.execute<GetMetricsQuery, SystemMetrics>(new GetMetricsQuery()), q.build);
  }
}
