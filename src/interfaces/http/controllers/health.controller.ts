import { Controller, Get, Header } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { GetMetricsQuery } from '../../../application/system/get-metrics/get-metrics.query';
import type { SystemMetrics } from '../../../application/system/get-metrics/get-metrics.handler';
import { HttpMetrics } from '../http-metrics';
import { projectRoot } from '../../pages/project-root';

/** The installed version (package.json; a release archive's is its release version) and the Node.js running it. */
const BUILD_INFO = `pressluft_build_info{version="${(JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version}",node="${process.version}"} 1`;

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly queries: QueryBus,
    private readonly http: HttpMetrics,
  ) {}

  /** Liveness and readiness: answers only when the database can be read. */
  @Get('healthz')
  async health() {
    const m = await this.queries.execute<GetMetricsQuery, SystemMetrics>(new GetMetricsQuery());
    return { status: 'ok', events: m.eventsAppended };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    const m = await this.queries.execute<GetMetricsQuery, SystemMetrics>(new GetMetricsQuery());
    const lines = [
      '# HELP pressluft_build_info The running version of Pressluft and of Node.js.',
      '# TYPE pressluft_build_info gauge',
      BUILD_INFO,
      '# HELP pressluft_events_appended_total Events in the event store.',
      '# TYPE pressluft_events_appended_total counter',
      `pressluft_events_appended_total ${m.eventsAppended}`,
      '# HELP pressluft_jobs Jobs by state.',
      '# TYPE pressluft_jobs gauge',
      ...Object.entries(m.jobsByState).map(([state, n]) => `pressluft_jobs{state="${state}"} ${n}`),
      this.http.render(),
    ];
    return lines.join('\n') + '\n';
  }
}
