import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '../../../application/common/command-meta';
import { CancelJobCommand } from '../../../application/jobs/cancel-job/cancel-job.command';
import { GetJobQuery } from '../../../application/jobs/get-job/get-job.query';
import { ListJobsQuery } from '../../../application/jobs/list-jobs/list-jobs.query';
import type { CommandResult } from '../../../application/common/command-result';
import { RetryJobCommand } from '../../../application/jobs/retry-job/retry-job.command';
import { StreamHistoryQuery } from '../../../application/events/stream-history/stream-history.query';
import { Meta } from '../command-meta.decorator';
import { ListRunEventsQuery, ReadJobRunLogQuery } from '../../../application/jobs/read-job-run-log/read-job-run-log.query';
import { ListJobsQueryDto, SeqCursorQueryDto } from '../dto/list-query.dto';
import { IdParam, RunIdParam } from '../params';

@ApiTags('jobs')
@Controller('api/v1/jobs')
export class JobsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  list(@Query() q: ListJobsQueryDto) {
    return this.queries.execute(new ListJobsQuery(q.limit, q.cursor, { state: q.state, siteId: q.siteId, nodeId: q.nodeId, kind: q.kind }));
  }

  @Get(':id')
  get(@IdParam() id: string) {
    return this.queries.execute(new GetJobQuery(id));
  }

  @Get(':id/events')
  history(@IdParam() id: string) {
    return this.queries.execute(new StreamHistoryQuery(`job-${id}`));
  }

  /** The worker's log lines of the job after `after` (JSON; poll with `next`), and its remote runs. */
  @Get(':id/run-log')
  runLog(@IdParam() id: string, @Query() q: SeqCursorQueryDto) {
    return this.queries.execute(new ReadJobRunLogQuery(id, q.after, q.limit));
  }

  /** The parsed Ansible task events of one run of the job, after `after`. */
  @Get(':id/runs/:runId/events')
  runEvents(@IdParam() id: string, @RunIdParam() runId: string, @Query() q: SeqCursorQueryDto) {
    return this.queries.execute(new ListRunEventsQuery(id, runId, q.after, q.limit));
  }

  @Post(':id/cancel')
  @HttpCode(202)
  async cancel(@IdParam() id: string, @Meta() meta: CommandMeta) {
    await this.commands.execute(new CancelJobCommand(id, meta));
    return { job: await this.queries.execute(new GetJobQuery(id)) };
  }

  @Post(':id/retry')
  @HttpCode(202)
  async retry(@IdParam() id: string, @Meta() meta: CommandMeta) {
    // A site's job is retried through its site, which queues the operation as a new job: answer with that one.
    const result: CommandResult = await this.commands.execute(new RetryJobCommand(id, meta));
    return { job: await this.queries.execute(new GetJobQuery(result.jobs[0]?.id ?? id)) };
  }
}
