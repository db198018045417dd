import { Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../application/auth/principal';
import type { Page } from '../../application/common/page';
import { CancelJobCommand } from '../../application/jobs/cancel-job/cancel-job.command';
import { GetJobQuery } from '../../application/jobs/get-job/get-job.query';
import type { JobDetailView } from '../../application/jobs/get-job/get-job.handler';
import type { JobView } from '../../application/jobs/job.view';
import { ListJobsQuery } from '../../application/jobs/list-jobs/list-jobs.query';
import { RetryJobCommand } from '../../application/jobs/retry-job/retry-job.command';
import type { JobLogPage } from '../../application/job-log/read-job-log.handler';
import { ReadJobLogQuery } from '../../application/job-log/read-job-log.query';
import { commandMetaOf } from '../http/command-meta.decorator';
import { ListJobsQueryDto } from '../http/dto/list-query.dto';
import { pagerLink, pageQuery, pathId } from './page-params';
import { PageRenderer } from './page-renderer';
import { CurrentPrincipal, formFailure, PagesErrorFilter, seeOther, sendHtml } from './page-support';

const STATES = ['queued', 'running', 'retry_wait', 'succeeded', 'failed', 'cancelled'];

@ApiExcludeController()
@UseFilters(PagesErrorFilter)
@Controller('jobs')
export class JobsPagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly renderer: PageRenderer,
  ) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    const q = pageQuery(ListJobsQueryDto, raw);
    const page = await this.queries.execute<ListJobsQuery, Page<JobView>>(
      new ListJobsQuery(q.limit, q.cursor, { state: q.state, siteId: q.siteId, nodeId: q.nodeId, kind: q.kind }),
    );
    return sendHtml(
      reply,
      200,
      this.renderer.render('jobs', { title: 'Jobs', nav: 'jobs', principal, jobs: page.items, states: STATES, state: q.state ?? '', next: pagerLink('/jobs', raw, page.next) }),
    );
  }

  @Get(':id')
  async detail(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    const notice = raw.done ? `${raw.done} requested.` : undefined;
    return sendHtml(reply, 200, await this.renderDetail(principal, pathId(rawId), { notice }));
  }

  private async renderDetail(principal: Principal, id: string, extra: Record<string, unknown>): Promise<string> {
    const job = await this.queries.execute<GetJobQuery, JobDetailView>(new GetJobQuery(id));
    const log = await this.queries.execute<ReadJobLogQuery, JobLogPage>(new ReadJobLogQuery(id, undefined));
    // The Ansible recap, one row per run and host (a run without stats yet gets one row without counts).
    const recap = job.outcome.runs.flatMap((run): Record<string, unknown>[] => {
      const base = { runId: run.runId, playbook: run.playbook, state: run.state, duration: seconds(run.durationMs) };
      const hosts = Object.entries(run.hosts);
      return hosts.length ? hosts.map(([host, counts]) => ({ ...base, host, ...counts })) : [{ ...base, host: null }];
    });
    return this.renderer.render('job', {
      title: `Job ${job.kind}`,
      nav: 'jobs',
      principal,
      job,
      duration: seconds(job.outcome.durationMs),
      recap,
      lines: log.lines,
      finished: log.finished,
      retryable: job.state === 'failed' || job.state === 'cancelled',
      ...extra,
    });
  }

  @Post(':id/cancel')
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(principal, pathId(rawId), reply, 'Cancel', (id) => this.commands.execute(new CancelJobCommand(id, commandMetaOf(request))));
  }

  @Post(':id/retry')
  async retry(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(principal, pathId(rawId), reply, 'Retry', (id) => this.commands.execute(new RetryJobCommand(id, commandMetaOf(request))));
  }

  private async act(principal: Principal, id: string, reply: FastifyReply, label: string, run: (id: string) => Promise<unknown>) {
    try {
      // A site's job is retried through its site, which queues a new job: show that one.
      const result = (await run(id)) as { jobs?: readonly { id: string }[] } | undefined;
      return seeOther(reply, `/jobs/${result?.jobs?.[0]?.id ?? id}?done=${label}`);
    } catch (error) {
      const failure = formFailure(error);
      return sendHtml(reply, failure.status, await this.renderDetail(principal, id, { formError: failure.formError ?? { code: 'VALIDATION_FAILED', message: label } }));
    }
  }
}

function seconds(ms: number | null): string | null {
  return ms === null ? null : `${(ms / 1000).toFixed(1)} s`;
}
