import { Controller, Get, Res } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GetMetricsQuery } from '../../../application/system/get-metrics/get-metrics.query';
import type { SystemMetrics } from '../../../application/system/get-metrics/get-metrics.handler';
import type { RenderedMetrics } from '../../../application/ports/metrics.port';
import { RenderMetricsQuery } from '../../../application/system/render-metrics/render-metrics.query';
import { projectRoot } from '../../pages/project-root';

/** The installed version (package.json; a release archive's is its release version) and the Node.js running it. */
const BUILD = { version: (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version, node: process.version };

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly queries: QueryBus) {}

  /** Liveness and readiness: answers only when the database can be read. */
  @Get('healthz')
  async health() {
    const m = await this.queries.execute<GetMetricsQuery, SystemMetrics>(new GetMetricsQuery());
    return { status: 'ok', events: m.eventsAppended };
  }

  /** Prometheus text format (prom-client): process, event loop, HTTP, jobs, remote runs, nodes. */
  @Get('metrics')
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const rendered = await this.queries.execute<RenderMetricsQuery, RenderedMetrics>(new RenderMetricsQuery(BUILD));
    reply.header('Content-Type', rendered.contentType);
    return rendered.body;
  }
}
