import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../application/auth/principal';
import type { CertificateView } from '../../application/certificates/certificate.view';
import { ListCertificatesQuery } from '../../application/certificates/list-certificates/list-certificates.query';
import { RequestCertificateCommand } from '../../application/certificates/request-certificate/request-certificate.command';
import type { DeployKeyView } from '../../application/sites/get-deploy-key/get-deploy-key.handler';
import { GetDeployKeyQuery } from '../../application/sites/get-deploy-key/get-deploy-key.query';
import type { Page } from '../../application/common/page';
import { StreamHistoryQuery } from '../../application/events/stream-history/stream-history.query';
import type { JobView } from '../../application/jobs/job.view';
import { ListJobsQuery } from '../../application/jobs/list-jobs/list-jobs.query';
import { ListNodesQuery } from '../../application/nodes/list-nodes/list-nodes.query';
import type { NodeView } from '../../application/nodes/node.view';
import type { RecordedEvent, StreamSlice } from '../../application/ports/event-store.port';
import { CreateSiteCommand } from '../../application/sites/create-site/create-site.command';
import type { CreateSiteResult } from '../../application/sites/create-site/create-site.handler';
import { GetSiteQuery } from '../../application/sites/get-site/get-site.query';
import { ListSitesQuery } from '../../application/sites/list-sites/list-sites.query';
import { RequestDeployCommand } from '../../application/sites/request-deploy/request-deploy.command';
import { RequestDomainsChangeCommand } from '../../application/sites/request-domains-change/request-domains-change.command';
import { RequestEnvironmentCloneCommand } from '../../application/sites/request-environment-clone/request-environment-clone.command';
import { RequestPromotionCommand } from '../../application/sites/request-promotion/request-promotion.command';
import type { RequestPromotionResult } from '../../application/sites/request-promotion/request-promotion.handler';
import { RequestEnvironmentDeletionCommand } from '../../application/sites/request-environment-deletion/request-environment-deletion.command';
import { RequestRollbackCommand } from '../../application/sites/request-rollback/request-rollback.command';
import { RequestSiteDeletionCommand } from '../../application/sites/request-site-deletion/request-site-deletion.command';
import { RequestSiteResetCommand } from '../../application/sites/request-site-reset/request-site-reset.command';
import { RequestSiteRetryCommand } from '../../application/sites/request-site-retry/request-site-retry.command';
import type { BackupView } from '../../application/sites/backup.view';
import { ListBackupsQuery } from '../../application/sites/list-backups/list-backups.query';
import { RequestBackupCommand } from '../../application/sites/request-backup/request-backup.command';
import { RequestRestoreCommand } from '../../application/sites/request-restore/request-restore.command';
import { RemoveBackupScheduleCommand } from '../../application/sites/remove-backup-schedule/remove-backup-schedule.command';
import { RequestBackupDeletionCommand } from '../../application/sites/request-backup-deletion/request-backup-deletion.command';
import { SetBackupScheduleCommand } from '../../application/sites/set-backup-schedule/set-backup-schedule.command';
import { RetryBackupCommand } from '../../application/sites/retry-backup/retry-backup.command';
import type { SiteSummaryView, SiteView } from '../../application/sites/site.view';
import { DomainError } from '../../domain/common/domain-error';
import { commandMetaOf } from '../http/command-meta.decorator';
import { RequestBackupDto, RequestRestoreDto } from '../http/dto/backup.dto';
import { BackupIdDto } from '../http/dto/backup-schedule.dto';
import { RequestCertificateDto } from '../http/dto/certificate.dto';
import { ListSitesQueryDto, SITE_STATES_FILTER } from '../http/dto/list-query.dto';
import { CloneEnvironmentDto, CreateDeploymentDto, CreateSiteDto, DomainsDto, PromoteDto, ResetSiteDto, RollbackDto } from '../http/dto/site.dto';
import { pagerLink, pageQuery, pathId } from './page-params';
import { PageRenderer } from './page-renderer';
import { toApiError } from '../http/api-error.filter';
import { CurrentPrincipal, formFailure, formValues, optional, PagesErrorFilter, seeOther, sendHtml, validateForm } from './page-support';

const PHP_VERSIONS = ['8.3', '8.2', '8.1'];
const SOURCE_TYPES = ['wordpress', 'archive', 'git'];
const RELEASE_EVENTS = new Set(['SiteProvisioned', 'DeployRequested', 'DeploySucceeded', 'DeployFailed', 'RollbackRequested', 'RollbackSucceeded', 'RollbackFailed']);

@ApiExcludeController()
@UseFilters(PagesErrorFilter)
@Controller('sites')
export class SitesPagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly renderer: PageRenderer,
  ) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    return sendHtml(reply, 200, await this.renderList(principal, raw));
  }

  /** The sites list page (exported for the page benchmark). */
  async renderList(principal: Principal, raw: Record<string, string>): Promise<string> {
    const q = pageQuery(ListSitesQueryDto, raw);
    const page = await this.queries.execute<ListSitesQuery, Page<SiteSummaryView>>(new ListSitesQuery(q.limit, q.cursor, q.state, q.search));
    return this.renderer.render('sites', {
      title: 'Sites',
      nav: 'sites',
      principal,
      sites: page.items,
      states: SITE_STATES_FILTER,
      state: q.state ?? '',
      search: q.search ?? '',
      next: pagerLink('/sites', raw, page.next),
    });
  }

  @Get('new')
  async form(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply) {
    return sendHtml(reply, 200, await this.renderNew(principal, { phpVersion: '8.3' }, {}, null));
  }

  private async renderNew(principal: Principal, values: Record<string, string>, errors: object, formError: object | null): Promise<string> {
    const nodes = await this.queries.execute<ListNodesQuery, Page<NodeView>>(new ListNodesQuery(200));
    return this.renderer.render('site-new', { title: 'Create a site', nav: 'sites', principal, nodes: nodes.items, phpVersions: PHP_VERSIONS, values, errors, formError });
  }

  @Post()
  async create(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const values = formValues(body);
    try {
      const input = validateForm(CreateSiteDto, {
        name: values.name ?? '',
        nodeId: values.nodeId ?? '',
        domain: values.domain ?? '',
        adminEmail: values.adminEmail ?? '',
        ...(optional(values.slug) === undefined ? {} : { slug: optional(values.slug) }),
        ...(optional(values.phpVersion) === undefined ? {} : { phpVersion: optional(values.phpVersion) }),
      });
      const result = await this.commands.execute<CreateSiteCommand, CreateSiteResult>(new CreateSiteCommand({ ...input }, commandMetaOf(request)));
      // The generated admin password is shown in this one answer (not in a URL, never again): no redirect.
      const notice = result.adminPassword ? 'Site created; provisioning is queued. Note the WordPress admin password now: it is shown only this once.' : 'Site created.';
      reply.header('cache-control', 'no-store');
      return sendHtml(reply, 201, await this.renderDetail(principal, result.siteId, { notice, admin: result.adminPassword ? { user: 'admin', password: result.adminPassword } : null }));
    } catch (error) {
      const failure = formFailure(error);
      return sendHtml(reply, failure.status, await this.renderNew(principal, values, failure.errors, failure.formError));
    }
  }

  @Get(':id')
  async detail(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    const notice = raw.created ? 'Site created; provisioning is queued.' : raw.done ? `${raw.done} requested.` : undefined;
    return sendHtml(reply, 200, await this.renderDetail(principal, pathId(rawId), { notice }));
  }

  private async renderDetail(principal: Principal, id: string, extra: Record<string, unknown>): Promise<string> {
    const site = await this.queries.execute<GetSiteQuery, SiteView>(new GetSiteQuery(id));
    const [jobs, history, certificates, backups] = await Promise.all([
      this.queries.execute<ListJobsQuery, Page<JobView>>(new ListJobsQuery(50, undefined, { siteId: id })),
      this.queries.execute<StreamHistoryQuery, StreamSlice>(new StreamHistoryQuery(`site-${id}`)),
      this.queries.execute<ListCertificatesQuery, CertificateView[]>(new ListCertificatesQuery(id)),
      // A deleted site has no environments left, but its final backups (of production, the only environment so far) stay listed.
      Promise.all((site.state === 'DELETED' ? ['production'] : site.environments.map((e) => e.name)).map((name) => this.queries.execute<ListBackupsQuery, BackupView[]>(new ListBackupsQuery(id, name)))).then((lists) => lists.flat()),
    ]);
    const deployKeys = site.state === 'DELETED' ? [] : await Promise.all(site.environments.map((e) => this.deployKeyOf(id, e.name)));
    const releases = history.events
      .filter((e) => RELEASE_EVENTS.has(e.type))
      .map((e) => {
        const d = e.data as { environment?: string; releaseId?: string | null; deploymentId?: string; targetReleaseId?: string };
        return { at: e.recordedAt, type: e.type, environment: d.environment ?? '', releaseId: d.releaseId ?? d.targetReleaseId ?? d.deploymentId ?? '' };
      })
      .reverse();
    return this.renderer.render('site', {
      title: `Site ${site.name}`,
      nav: 'sites',
      principal,
      site,
      jobs: jobs.items,
      history: [...history.events].reverse(),
      releases,
      certificates,
      backups,
      backupSchedules: site.environments.flatMap((e) => (e.backupSchedule ? [e.backupSchedule] : [])),
      deployKeys,
      sourceTypes: SOURCE_TYPES,
      values: { type: 'wordpress' },
      errors: {},
      ...extra,
    });
  }

  /** The environment's deploy key, or none (an environment from before deploy keys, until its next job). */
  private async deployKeyOf(siteId: string, environment: string): Promise<{ environment: string; key: DeployKeyView | null }> {
    try {
      return { environment, key: await this.queries.execute<GetDeployKeyQuery, DeployKeyView>(new GetDeployKeyQuery(siteId, environment)) };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return { environment, key: null };
      throw err;
    }
  }

  @Get(':id/timeline')
  async timeline(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const site = await this.queries.execute<GetSiteQuery, SiteView>(new GetSiteQuery(id));
    const history = await this.queries.execute<StreamHistoryQuery, StreamSlice>(new StreamHistoryQuery(`site-${id}`));
    const jobs = await this.queries.execute<ListJobsQuery, Page<JobView>>(new ListJobsQuery(100, undefined, { siteId: id }));
    const jobEvents = await Promise.all(
      jobs.items.map((j) => this.queries.execute<StreamHistoryQuery, StreamSlice>(new StreamHistoryQuery(`job-${j.id}`)).then((s) => s.events, () => [])),
    );
    const timeline: RecordedEvent[] = [...history.events, ...jobEvents.flat()].sort((a, b) => b.globalPosition - a.globalPosition);
    return sendHtml(reply, 200, this.renderer.render('site-timeline', { title: `Timeline of ${site.name}`, nav: 'sites', principal, site, timeline }));
  }

  @Post(':id/deploy')
  async deploy(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Deploy', async () => {
      const env = environmentField(values.env);
      const source: Record<string, string> = { type: values.type ?? '' };
      for (const key of ['uploadId', 'url', 'ref', 'version'] as const) if (optional(values[key]) !== undefined) source[key] = optional(values[key]) as string;
      const input = validateForm(CreateDeploymentDto, { source });
      await this.commands.execute(new RequestDeployCommand(id, env, { ...input.source }, commandMetaOf(request)));
    });
  }

  @Post(':id/rollback')
  async rollback(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Rollback', async () => {
      const env = environmentField(values.env);
      const input = validateForm(RollbackDto, {
        ...(optional(values.releaseId) === undefined ? {} : { releaseId: optional(values.releaseId) }),
        force: values.force === 'on' || values.force === 'true',
      });
      await this.commands.execute(new RequestRollbackCommand(id, env, input.releaseId, input.force === true, commandMetaOf(request)));
    });
  }

  @Post(':id/domains')
  async domains(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Domain change', async () => {
      const env = environmentField(values.env);
      const aliases = (values.aliases ?? '').split(/[\s,]+/).filter((a) => a !== '');
      const input = validateForm(DomainsDto, { primary: values.primary ?? '', aliases });
      await this.commands.execute(new RequestDomainsChangeCommand(id, env, input.primary, input.aliases, commandMetaOf(request)));
    });
  }

  @Post(':id/environments')
  async clone(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Clone', async () => {
      const input = validateForm(CloneEnvironmentDto, { name: values.name ?? '', sourceEnvironment: values.sourceEnvironment ?? 'production', domain: values.domain ?? '' });
      await this.commands.execute(new RequestEnvironmentCloneCommand(id, { name: input.name, sourceEnvironment: input.sourceEnvironment, domain: input.domain }, commandMetaOf(request)));
    });
  }

  /**
   * The promotion form: "Check drift" renders the report (a dry run: nothing changed, the snapshot recorded), "Promote"
   * promotes; a blocked promotion renders the page with the report it was blocked by.
   */
  @Post(':id/environments/:env/promote')
  async promote(
    @CurrentPrincipal() principal: Principal,
    @Param('id') rawId: string,
    @Param('env') rawEnv: string,
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const id = pathId(rawId);
    const values = formValues(body);
    const env = environmentField(rawEnv);
    const dryRun = values.action === 'check';
    try {
      const extraContentTables = (values.extraContentTables ?? '').split(/[\s,]+/).filter((t) => t !== '');
      const input = validateForm(PromoteDto, { target: values.target ?? 'production', preset: values.preset ?? 'content-protect', force: values.force === 'on', extraContentTables });
      const result = await this.commands.execute<RequestPromotionCommand, RequestPromotionResult>(
        new RequestPromotionCommand(id, env, { target: input.target, preset: input.preset, force: input.force === true, dryRun, extraContentTables: input.extraContentTables ?? [] }, commandMetaOf(request)),
      );
      if (!dryRun) return seeOther(reply, `/sites/${id}?done=${encodeURIComponent('Promotion')}`);
      return sendHtml(reply, 200, await this.renderDetail(principal, id, { promotionReport: result.report, values }));
    } catch (error) {
      const failure = formFailure(error, ['DRIFT_CHECK_FAILED', 'DRIFT_CHECK_TIMEOUT']);
      const report = (toApiError(error).body.details as { report?: unknown } | undefined)?.report ?? null;
      const formError = failure.formError ?? { code: 'VALIDATION_FAILED', message: 'Promotion: see the fields below.' };
      return sendHtml(reply, failure.status, await this.renderDetail(principal, id, { values, errors: failure.errors, formError, promotionReport: report }));
    }
  }

  @Post(':id/environments/:env/delete')
  async removeEnvironment(
    @CurrentPrincipal() principal: Principal,
    @Param('id') rawId: string,
    @Param('env') rawEnv: string,
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const id = pathId(rawId);
    return this.act(principal, id, formValues(body), reply, 'Environment deletion', async () => {
      await this.commands.execute(new RequestEnvironmentDeletionCommand(id, environmentField(rawEnv), commandMetaOf(request)));
    });
  }

  @Post(':id/certificates')
  async certificate(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Certificate', async () => {
      const env = environmentField(values.env);
      const hsts = values.hsts === 'on' ? true : values.hsts === 'off' ? false : undefined;
      const input = validateForm(RequestCertificateDto, { force: values.force === 'on' || values.force === 'true', ...(hsts === undefined ? {} : { hsts }) });
      await this.commands.execute(new RequestCertificateCommand(id, env, { force: input.force, hsts: input.hsts, reason: 'operator' }, commandMetaOf(request)));
    });
  }

  @Post(':id/backups')
  async backup(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Backup', async () => {
      const env = environmentField(values.env);
      const input = validateForm(RequestBackupDto, { scope: values.scope ?? '' });
      await this.commands.execute(new RequestBackupCommand(id, env, input.scope, commandMetaOf(request)));
    });
  }

  @Post(':id/restore')
  async restore(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Restore', async () => {
      const env = environmentField(values.env);
      const input = validateForm(RequestRestoreDto, { backupId: values.backupId ?? '' });
      await this.commands.execute(new RequestRestoreCommand(id, env, input.backupId, commandMetaOf(request)));
    });
  }

  @Post(':id/backup-schedule')
  async backupSchedule(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Backup schedule', async () => {
      const env = environmentField(values.env);
      // Empty keep fields are 0; anything else goes to the domain as typed (INVALID_RETENTION names what is wrong).
      const keep = (v: string | undefined) => (optional(v) === undefined ? undefined : /^\d+$/.test(String(v).trim()) ? Number(String(v).trim()) : v);
      const retention = Object.fromEntries(
        (['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly'] as const).flatMap((k) => (keep(values[k]) === undefined ? [] : [[k, keep(values[k])]])),
      );
      const input = { cron: values.cron ?? '', timeZone: optional(values.timeZone), scope: optional(values.scope), retention };
      await this.commands.execute(new SetBackupScheduleCommand(id, env, input, commandMetaOf(request)));
    });
  }

  @Post(':id/backup-schedule/remove')
  async removeBackupSchedule(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Backup schedule removal', async () => {
      await this.commands.execute(new RemoveBackupScheduleCommand(id, environmentField(values.env), commandMetaOf(request)));
    });
  }

  @Post(':id/backups/:backupId/delete')
  async deleteBackup(
    @CurrentPrincipal() principal: Principal,
    @Param('id') rawId: string,
    @Param('backupId') backupId: string,
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Backup deletion', async () => {
      const env = environmentField(values.env);
      const input = validateForm(BackupIdDto, { backupId });
      await this.commands.execute(new RequestBackupDeletionCommand(id, env, input.backupId, commandMetaOf(request)));
    });
  }

  @Post(':id/backups/:backupId/retry')
  async retryBackup(
    @CurrentPrincipal() principal: Principal,
    @Param('id') rawId: string,
    @Param('backupId') rawBackupId: string,
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Backup retry', async () => {
      await this.commands.execute(new RetryBackupCommand(id, undefined, pathId(rawBackupId), commandMetaOf(request)));
    });
  }

  @Post(':id/reset')
  async reset(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    return this.act(principal, id, values, reply, 'Reset', async () => {
      const input = validateForm(ResetSiteDto, optional(values.reason) === undefined ? {} : { reason: optional(values.reason) });
      await this.commands.execute(new RequestSiteResetCommand(id, input.reason, commandMetaOf(request)));
    });
  }

  @Post(':id/retry')
  async retry(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    return this.act(principal, id, {}, reply, 'Retry', () => this.commands.execute(new RequestSiteRetryCommand(id, commandMetaOf(request))));
  }

  @Get(':id/delete')
  async confirmDelete(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Res() reply: FastifyReply) {
    const site = await this.queries.execute<GetSiteQuery, SiteView>(new GetSiteQuery(pathId(rawId)));
    return sendHtml(reply, 200, this.renderer.render('site-delete', { title: `Delete ${site.name}?`, nav: 'sites', principal, site, values: {}, errors: {} }));
  }

  @Post(':id/delete')
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    const site = await this.queries.execute<GetSiteQuery, SiteView>(new GetSiteQuery(id));
    try {
      if (values.confirm !== site.slug) {
        throw new DomainError('VALIDATION_FAILED', 'type the slug to confirm', { fields: { confirm: [`type "${site.slug}" to confirm`] } });
      }
      await this.commands.execute(new RequestSiteDeletionCommand(id, commandMetaOf(request)));
      return seeOther(reply, `/sites/${id}?done=Deletion`);
    } catch (error) {
      const failure = formFailure(error);
      return sendHtml(reply, failure.status, this.renderer.render('site-delete', { title: `Delete ${site.name}?`, nav: 'sites', principal, site, values, ...failure }));
    }
  }

  /** Runs an action form; on refusal shows the site page again with the error and the values kept. */
  private async act(principal: Principal, id: string, values: Record<string, string>, reply: FastifyReply, label: string, run: () => Promise<unknown>) {
    try {
      await run();
      return seeOther(reply, `/sites/${id}?done=${encodeURIComponent(label)}`);
    } catch (error) {
      const failure = formFailure(error);
      failure.errors = Object.fromEntries(Object.entries(failure.errors).map(([k, v]) => [k.replace(/^source\./, ''), v]));
      const formError = failure.formError ?? { code: 'VALIDATION_FAILED', message: `${label}: see the fields below.` };
      return sendHtml(reply, failure.status, await this.renderDetail(principal, id, { values: { type: 'wordpress', ...values }, errors: failure.errors, formError }));
    }
  }
}

/** The environment a site form names (production when absent). */
function environmentField(raw: string | undefined): string {
  const env = raw ?? 'production';
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(env)) throw new DomainError('VALIDATION_FAILED', 'env is not valid', { field: 'env' });
  return env;
}
