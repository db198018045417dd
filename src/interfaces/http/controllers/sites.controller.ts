import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandMeta } from '../../../application/common/command-meta';
import type { CommandResult } from '../../../application/common/command-result';
import { CreateSiteCommand } from '../../../application/sites/create-site/create-site.command';
import type { CreateSiteResult } from '../../../application/sites/create-site/create-site.handler';
import { GetDeployKeyQuery } from '../../../application/sites/get-deploy-key/get-deploy-key.query';
import { GetSiteQuery } from '../../../application/sites/get-site/get-site.query';
import { ListSitesQuery } from '../../../application/sites/list-sites/list-sites.query';
import { RequestDeployCommand } from '../../../application/sites/request-deploy/request-deploy.command';
import type { RequestDeployResult } from '../../../application/sites/request-deploy/request-deploy.handler';
import { RequestSiteDeletionCommand } from '../../../application/sites/request-site-deletion/request-site-deletion.command';
import type { RequestSiteDeletionResult } from '../../../application/sites/request-site-deletion/request-site-deletion.handler';
import { RequestSiteResetCommand } from '../../../application/sites/request-site-reset/request-site-reset.command';
import { RequestSiteRetryCommand } from '../../../application/sites/request-site-retry/request-site-retry.command';
import type { SiteView } from '../../../application/sites/site.view';
import { StreamHistoryQuery } from '../../../application/events/stream-history/stream-history.query';
import { Meta } from '../command-meta.decorator';
import { RequestDomainsChangeCommand } from '../../../application/sites/request-domains-change/request-domains-change.command';
import { RequestRollbackCommand } from '../../../application/sites/request-rollback/request-rollback.command';
import { CloneEnvironmentDto, CreateDeploymentDto, CreateSiteDto, DomainsDto, PromoteDto, ResetSiteDto, RollbackDto } from '../dto/site.dto';
import { RequestPromotionCommand } from '../../../application/sites/request-promotion/request-promotion.command';
import type { RequestPromotionResult } from '../../../application/sites/request-promotion/request-promotion.handler';
import { RequestEnvironmentCloneCommand } from '../../../application/sites/request-environment-clone/request-environment-clone.command';
import type { RequestEnvironmentCloneResult } from '../../../application/sites/request-environment-clone/request-environment-clone.handler';
import { RequestEnvironmentDeletionCommand } from '../../../application/sites/request-environment-deletion/request-environment-deletion.command';
import { ListSitesQueryDto } from '../dto/list-query.dto';
import { IdParam, EnvParam } from '../params';
import { jobRef } from './job-ref';

@ApiTags('sites')
@Controller('api/v1/sites')
export class SitesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(202)
  async create(@Body() body: CreateSiteDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<CreateSiteCommand, CreateSiteResult>(new CreateSiteCommand(body, meta));
    const site = await this.queries.execute<GetSiteQuery, SiteView>(new GetSiteQuery(result.siteId));
    // The generated WordPress admin password, this once (a repeated Idempotency-Key gets null).
    const admin = { user: 'admin', email: body.adminEmail, password: result.adminPassword };
    return { site: { id: site.id, slug: site.slug, state: site.state, version: site.version }, job: jobRef(result), admin };
  }

  @Get()
  list(@Query() q: ListSitesQueryDto) {
    return this.queries.execute(new ListSitesQuery(q.limit, q.cursor, q.state, q.search));
  }

  @Get(':id')
  async get(@IdParam() id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const site = await this.queries.execute<GetSiteQuery, SiteView>(new GetSiteQuery(id));
    reply.header('ETag', `"${site.version}"`);
    return site;
  }

  @Get(':id/events')
  history(@IdParam() id: string) {
    return this.queries.execute(new StreamHistoryQuery(`site-${id}`));
  }

  /** The public half of the environment's git deploy key, for a private repository's deploy keys. */
  @Get(':id/environments/:env/deploy-key')
  deployKey(@IdParam() id: string, @EnvParam() env: string) {
    return this.queries.execute(new GetDeployKeyQuery(id, env));
  }

  @Post(':id/environments/:env/deployments')
  @HttpCode(202)
  async deploy(@IdParam() id: string, @EnvParam() env: string, @Body() body: CreateDeploymentDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RequestDeployCommand, RequestDeployResult>(
      new RequestDeployCommand(id, env, { ...body.source }, meta),
    );
    return { deploymentId: result.deploymentId, version: result.version, job: jobRef(result) };
  }

  @Post(':id/environments/:env/rollback')
  @HttpCode(202)
  async rollback(@IdParam() id: string, @EnvParam() env: string, @Body() body: RollbackDto, @Meta() meta: CommandMeta) {
    return accepted(
      await this.commands.execute<RequestRollbackCommand, CommandResult>(new RequestRollbackCommand(id, env, body.releaseId, body.force === true, meta)),
    );
  }

  @Put(':id/environments/:env/domains')
  @HttpCode(202)
  async domains(@IdParam() id: string, @EnvParam() env: string, @Body() body: DomainsDto, @Meta() meta: CommandMeta) {
    return accepted(
      await this.commands.execute<RequestDomainsChangeCommand, CommandResult>(new RequestDomainsChangeCommand(id, env, body.primary, body.aliases, meta)),
    );
  }

  /** A new environment copied from one of the site's environments on its node (docs/operations.md, "Staging clones"). */
  @Post(':id/environments')
  @HttpCode(202)
  async clone(@IdParam() id: string, @Body() body: CloneEnvironmentDto, @Meta() meta: CommandMeta) {
    const input = { name: body.name, sourceEnvironment: body.sourceEnvironment, domain: body.domain, ...(body.nodeId !== undefined ? { nodeId: body.nodeId } : {}) };
    const result = await this.commands.execute<RequestEnvironmentCloneCommand, RequestEnvironmentCloneResult>(new RequestEnvironmentCloneCommand(id, input, meta));
    return { cloneId: result.cloneId, environment: result.environment, ...accepted(result) };
  }

  /**
   * Promotes this environment (a clone) onto the one it was cloned from (docs/promotion.md). Waits for the
   * target's drift check: 202 with the report and the job, 409 PROMOTION_BLOCKED with the report, or with
   * `?dryRun=true` 200 and the report alone (nothing changed; the snapshot is recorded as DriftSnapshotTaken).
   */
  @Post(':id/environments/:env/promote')
  @HttpCode(202)
  async promote(
    @IdParam() id: string,
    @EnvParam() env: string,
    @Body() body: PromoteDto,
    @Query('dryRun') dryRun: string | undefined,
    @Meta() meta: CommandMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const input = { target: body.target, preset: body.preset, force: body.force === true, dryRun: dryRun === 'true' || dryRun === '1', extraContentTables: body.extraContentTables ?? [] };
    const result = await this.commands.execute<RequestPromotionCommand, RequestPromotionResult>(new RequestPromotionCommand(id, env, input, meta));
    if (result.dryRun) {
      reply.status(200);
      return { dryRun: true, report: result.report, driftCheckJobId: result.driftCheckJobId };
    }
    return { promotionId: result.promotionId, prePromotionBackupId: result.prePromotionBackupId, report: result.report, driftCheckJobId: result.driftCheckJobId, ...accepted(result) };
  }

  /** Removes one non-production environment on its own (production goes with its site). */
  @Delete(':id/environments/:env')
  @HttpCode(202)
  async removeEnvironment(@IdParam() id: string, @EnvParam() env: string, @Meta() meta: CommandMeta) {
    return accepted(await this.commands.execute<RequestEnvironmentDeletionCommand, CommandResult>(new RequestEnvironmentDeletionCommand(id, env, meta)));
  }

  @Post(':id/reset')
  @HttpCode(202)
  async reset(@IdParam() id: string, @Body() body: ResetSiteDto, @Meta() meta: CommandMeta) {
    return accepted(await this.commands.execute<RequestSiteResetCommand, CommandResult>(new RequestSiteResetCommand(id, body.reason, meta)));
  }

  @Post(':id/retry')
  @HttpCode(202)
  async retry(@IdParam() id: string, @Meta() meta: CommandMeta) {
    return accepted(await this.commands.execute<RequestSiteRetryCommand, CommandResult>(new RequestSiteRetryCommand(id, meta)));
  }

  @Delete(':id')
  @HttpCode(202)
  async remove(@IdParam() id: string, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RequestSiteDeletionCommand, RequestSiteDeletionResult>(new RequestSiteDeletionCommand(id, meta));
    // The final backups it takes before removing anything (docs/backups.md): listed with the site's backups once taken.
    return { ...accepted(result), deletionId: result.deletionId, finalBackups: result.finalBackups };
  }
}

function accepted(result: CommandResult) {
  return { version: result.version, job: jobRef(result) };
}
