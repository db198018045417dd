import { Controller, Get, Headers, OnApplicationShutdown, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JobLogPage } from '../../application/job-log/read-job-log.handler';
import { ReadJobLogQuery } from '../../application/job-log/read-job-log.query';
import { SECURITY_HEADERS } from '../http/auth/install-auth';
import { pathId } from './page-params';

const POLL_MS = 250;
const HEARTBEAT_MS = 15_000;

/**
 * GET /api/v1/jobs/{id}/log: the job's live log as Server-Sent Events (`event: line`, `id: <cursor>`,
 * `data: {at, source, text, tone?}`), then `event: end` with the final state once the job finished. Resumable:
 * a reconnect with `Last-Event-ID` (or `?after=`) continues after that line. Lines are read through
 * ReadJobLogQuery, so new sources (Ansible run_events) only change the query handler.
 */
@ApiTags('jobs')
@Controller('api/v1/jobs')
export class JobLogController implements OnApplicationShutdown {
  private stopping = false;

  constructor(private readonly queries: QueryBus) {}

  onApplicationShutdown(): void {
    this.stopping = true;
  }

  @Get(':id/log')
  @ApiProduces('text/event-stream')
  async stream(
    @Param('id') rawId: string,
    @Query('after') afterQuery: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const id = pathId(rawId);
    let after = lastEventId ?? afterQuery;
    // Validate (and 404 an unknown job) before the stream starts, so errors are plain JSON answers.
    let page = await this.queries.execute<ReadJobLogQuery, JobLogPage>(new ReadJobLogQuery(id, after));
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    raw.write('retry: 2000\n\n');
    let closed = false;
    request.raw.on('close', () => (closed = true));
    try {
      await this.pump(raw, page, id, after, () => closed || this.stopping);
    } catch {
      /* the database closed under us (shutdown): end the stream; the client reconnects */
    }
    raw.end();
  }

  private async pump(raw: FastifyReply['raw'], page: JobLogPage, id: string, after: string | undefined, stop: () => boolean): Promise<void> {
    let lastWrite = Date.now();
    while (!stop()) {
      for (const line of page.lines) {
        raw.write(`id: ${line.id}\nevent: line\ndata: ${JSON.stringify({ at: line.at, source: line.source, text: line.text, ...(line.tone ? { tone: line.tone } : {}) })}\n\n`);
        after = line.id;
        lastWrite = Date.now();
      }
      if (page.finished && page.lines.length === 0) {
        raw.write(`event: end\ndata: ${JSON.stringify({ state: page.state })}\n\n`);
        break;
      }
      if (page.lines.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        if (Date.now() - lastWrite > HEARTBEAT_MS) (raw.write(': keep-alive\n\n'), (lastWrite = Date.now()));
      }
      if (stop()) break;
      page = await this.queries.execute<ReadJobLogQuery, JobLogPage>(new ReadJobLogQuery(id, after));
    }
  }
}
