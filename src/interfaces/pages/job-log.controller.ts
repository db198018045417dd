import { Controller, Get, Headers, Inject, OnApplicationShutdown, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticateQuery } from '../../application/auth/authenticate/authenticate.query';
import type { Principal } from '../../application/auth/principal';
import type { JobLogPage } from '../../application/job-log/read-job-log.handler';
import { ReadJobLogQuery } from '../../application/job-log/read-job-log.query';
import { DomainError } from '../../domain/common/domain-error';
import { SECURITY_HEADERS } from '../http/auth/install-auth';
import '../http/auth/request-principal';
import { pathId } from './page-params';
import { PAGES_OPTIONS, PagesOptions } from './pages-options';

const POLL_MS = 250;
const HEARTBEAT_MS = 15_000;
/** How often an open stream checks that its session or token is still valid. */
export const SSE_RECHECK_MS = 1_000;

/**
 * GET /api/v1/jobs/{id}/log: the job's live log as Server-Sent Events (`event: line`, `id: <cursor>`,
 * `data: {at, source, text, tone?}`), then `event: end` with the final state once the job finished. Resumable:
 * a reconnect with `Last-Event-ID` (or `?after=`) continues after that line. Lines are read through
 * ReadJobLogQuery, so new sources (Ansible run_events) only change the query handler.
 *
 * A stream outlives the request that authenticated it, so it re-checks its session or token every
 * SSE_RECHECK_MS (without extending the session's idle time) and ends with `event: end` and
 * `{reason: "unauthenticated"}` once it was revoked or expired. One session or token may hold at most
 * `sseStreamsPerSession` streams open; another is refused with 429 RATE_LIMITED.
 */
@ApiTags('jobs')
@Controller('api/v1/jobs')
export class JobLogController implements OnApplicationShutdown {
  private stopping = false;
  private readonly open = new Map<string, number>();

  constructor(
    private readonly queries: QueryBus,
    @Inject(PAGES_OPTIONS) private readonly options: PagesOptions,
  ) {}

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
    const holder = holderOf(request.principal ?? null);
    const credentials = credentialsOf(request);
    const held = this.open.get(holder) ?? 0;
    if (held >= this.options.sseStreamsPerSession) {
      throw new DomainError('RATE_LIMITED', `At most ${this.options.sseStreamsPerSession} live logs may be open per session; close one.`, {
        limit: 'streams',
        retryAfterSeconds: 5,
      });
    }
    this.open.set(holder, held + 1);
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
      await this.pump(raw, page, id, after, credentials, () => closed || this.stopping);
    } catch {
      /* the database closed under us (shutdown): end the stream; the client reconnects */
    } finally {
      const left = (this.open.get(holder) ?? 1) - 1;
      if (left > 0) this.open.set(holder, left);
      else this.open.delete(holder);
    }
    raw.end();
  }

  private async pump(
    raw: FastifyReply['raw'],
    page: JobLogPage,
    id: string,
    after: string | undefined,
    credentials: AuthenticateQuery['credentials'],
    stop: () => boolean,
  ): Promise<void> {
    let lastWrite = Date.now();
    let lastCheck = Date.now();
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
      if (Date.now() - lastCheck >= SSE_RECHECK_MS) {
        lastCheck = Date.now();
        const still = await this.queries.execute<AuthenticateQuery, Principal | null>(new AuthenticateQuery(credentials, false));
        if (!still) {
          raw.write(`event: end\ndata: ${JSON.stringify({ reason: 'unauthenticated' })}\n\n`);
          break;
        }
      }
      page = await this.queries.execute<ReadJobLogQuery, JobLogPage>(new ReadJobLogQuery(id, after));
    }
  }
}

/** Streams are counted per session, or per API token. */
function holderOf(principal: Principal | null): string {
  return principal?.sessionId ? `session:${principal.sessionId}` : principal?.tokenId ? `token:${principal.tokenId}` : 'anonymous';
}

/** The credentials the request authenticated with, to check them again while the stream is open. */
function credentialsOf(request: FastifyRequest): AuthenticateQuery['credentials'] {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return { bearer };
  return { sessionSecret: request.sessionSecret ?? '' };
}
