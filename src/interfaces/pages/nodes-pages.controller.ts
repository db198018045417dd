import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../application/auth/principal';
import type { Page } from '../../application/common/page';
import type { StreamSlice } from '../../application/ports/event-store.port';
import { StreamHistoryQuery } from '../../application/events/stream-history/stream-history.query';
import type { JobView } from '../../application/jobs/job.view';
import { ListJobsQuery } from '../../application/jobs/list-jobs/list-jobs.query';
import { GetNodeQuery } from '../../application/nodes/get-node/get-node.query';
import { ListNodesQuery } from '../../application/nodes/list-nodes/list-nodes.query';
import type { NodeView } from '../../application/nodes/node.view';
import { RegisterNodeCommand } from '../../application/nodes/register-node/register-node.command';
import type { RegisterNodeResult } from '../../application/nodes/register-node/register-node.handler';
import { RequestNodeBootstrapCommand } from '../../application/nodes/request-node-bootstrap/request-node-bootstrap.command';
import { RepinNodeHostKeyCommand } from '../../application/nodes/repin-node-host-key/repin-node-host-key.command';
import type { RepinNodeHostKeyResult } from '../../application/nodes/repin-node-host-key/repin-node-host-key.handler';
import { RequestNodeHealthCheckCommand } from '../../application/nodes/request-node-health-check/request-node-health-check.command';
import type { BackupRepositoryView } from '../../application/nodes/backup-repository/backup-repository.view';
import { GetBackupRepositoryQuery } from '../../application/nodes/get-backup-repository/get-backup-repository.query';
import { RemoveBackupRepositoryCommand } from '../../application/nodes/remove-backup-repository/remove-backup-repository.command';
import { SetBackupRepositoryCommand } from '../../application/nodes/set-backup-repository/set-backup-repository.command';
import { BackupRepositoryDto } from '../http/dto/backup-repository.dto';
import { DomainError } from '../../domain/common/domain-error';
import type { EnqueuedJob, RecordedEvent } from '../../application/ports/event-store.port';
import type { ControlPlaneKeyView } from '../../application/ssh/get-control-plane-key/get-control-plane-key.handler';
import { GetControlPlaneKeyQuery } from '../../application/ssh/get-control-plane-key/get-control-plane-key.query';
import { commandMetaOf } from '../http/command-meta.decorator';
import { ListNodesQueryDto } from '../http/dto/list-query.dto';
import { RegisterNodeDto, RepinHostKeyDto } from '../http/dto/node.dto';
import { PageRenderer } from './page-renderer';
import { CurrentPrincipal, formFailure, formValues, optional, PagesErrorFilter, seeOther, sendHtml, validateForm } from './page-support';
import { pagerLink, pageQuery, pathId } from './page-params';

const STATUSES = ['pending', 'bootstrapping', 'ready', 'unreachable', 'failed', 'decommissioned'];

export interface HostKeyMismatchView {
  pinnedFingerprint: string | null;
  presentedFingerprint: string | null;
  detectedAt: string;
}

/**
 * Whether the node is flagged with a host key mismatch, from its history: set by
 * NodeHostKeyMismatchDetected (or a bootstrap that failed with HOST_KEY_MISMATCH), cleared by a re-pin,
 * a new bootstrap request or decommissioning (as the node's decider does).
 */
export function hostKeyMismatchOf(events: readonly RecordedEvent[]): HostKeyMismatchView | null {
  let flag: HostKeyMismatchView | null = null;
  for (const e of events) {
    const d = e.data as { pinnedFingerprint?: string | null; presentedFingerprint?: string | null; error?: { code?: string; details?: { expected?: string; actual?: string } } };
    if (e.type === 'NodeHostKeyMismatchDetected') {
      flag = { pinnedFingerprint: d.pinnedFingerprint ?? null, presentedFingerprint: d.presentedFingerprint ?? null, detectedAt: e.recordedAt };
    } else if (e.type === 'NodeBootstrapFailed' && d.error?.code === 'HOST_KEY_MISMATCH') {
      flag = { pinnedFingerprint: d.error.details?.expected ?? null, presentedFingerprint: d.error.details?.actual ?? null, detectedAt: e.recordedAt };
    } else if (e.type === 'NodeHostKeyPinned' || e.type === 'NodeBootstrapRequested' || e.type === 'NodeDecommissioned') {
      flag = null;
    }
  }
  return flag;
}

const withPinned = (flag: HostKeyMismatchView | null, pinned: string | null): HostKeyMismatchView | null =>
  flag && { ...flag, pinnedFingerprint: flag.pinnedFingerprint ?? pinned };

const NOTICES: Record<string, string> = {
  registered: 'Node registered; its bootstrap job is queued.',
  bootstrap: 'Bootstrap requested.',
  repinned: 'Host key re-pinned.',
  repository: 'Backup repository set; its check (open or initialize, restic check) is queued.',
  repositoryRemoved: 'Backup repository removed: backups are no longer sent to restic.',
};

@ApiExcludeController()
@UseFilters(PagesErrorFilter)
@Controller('nodes')
export class NodesPagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly renderer: PageRenderer,
  ) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    const q = pageQuery(ListNodesQueryDto, raw);
    const page = await this.queries.execute<ListNodesQuery, Page<NodeView>>(new ListNodesQuery(q.limit, q.cursor, q.status));
    return sendHtml(
      reply,
      200,
      this.renderer.render('nodes', { title: 'Nodes', nav: 'nodes', principal, nodes: page.items, statuses: STATUSES, status: q.status ?? '', next: pagerLink('/nodes', raw, page.next) }),
    );
  }

  @Get('new')
  async form(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply) {
    return sendHtml(reply, 200, await this.renderForm(principal, { values: {}, errors: {} }));
  }

  private async renderForm(principal: Principal, extra: Record<string, unknown>): Promise<string> {
    const key = await this.queries.execute<GetControlPlaneKeyQuery, ControlPlaneKeyView>(new GetControlPlaneKeyQuery());
    return this.renderer.render('node-new', { title: 'Register a node', nav: 'nodes', principal, key, ...extra });
  }

  @Post()
  async register(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const values = formValues(body);
    try {
      const port = optional(values.port);
      const input = validateForm(RegisterNodeDto, {
        name: values.name ?? '',
        host: values.host ?? '',
        ...(port === undefined ? {} : { port: /^\d+$/.test(port) ? Number(port) : port }),
        ...(optional(values.user) === undefined ? {} : { user: optional(values.user) }),
        ...(optional(values.hostKeyFingerprint) === undefined ? {} : { hostKeyFingerprint: optional(values.hostKeyFingerprint) }),
      });
      const result = await this.commands.execute<RegisterNodeCommand, RegisterNodeResult>(new RegisterNodeCommand({ ...input }, commandMetaOf(request)));
      return seeOther(reply, `/nodes/${result.nodeId}?registered=1`);
    } catch (error) {
      // 502 NODE_UNREACHABLE: the host key scan failed; the operator fixes host/port or gives the fingerprint.
      const failure = formFailure(error, ['NODE_UNREACHABLE']);
      if (failure.formError?.code === 'NODE_UNREACHABLE') {
        failure.formError = {
          code: 'NODE_UNREACHABLE',
          message: `Could not reach the node to read its host key, so it was not registered: ${failure.formError.message}. Check the host, the port and that sshd is running, or enter the host key fingerprint to pin it without a scan.`,
        };
      }
      return sendHtml(reply, failure.status, await this.renderForm(principal, { values, ...failure }));
    }
  }

  @Get(':id')
  async detail(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    const notice = Object.keys(NOTICES).find((k) => raw[k]);
    return sendHtml(reply, 200, await this.renderDetail(principal, pathId(rawId), { notice: notice ? NOTICES[notice] : undefined, values: {}, errors: {} }));
  }

  private async renderDetail(principal: Principal, id: string, extra: Record<string, unknown>): Promise<string> {
    const node = await this.queries.execute<GetNodeQuery, NodeView>(new GetNodeQuery(id));
    const [jobs, history] = await Promise.all([
      this.queries.execute<ListJobsQuery, Page<JobView>>(new ListJobsQuery(50, undefined, { nodeId: id })),
      this.queries.execute<StreamHistoryQuery, StreamSlice>(new StreamHistoryQuery(`node-${id}`)),
    ]);
    return this.renderer.render('node', {
      title: `Node ${node.name}`,
      nav: 'nodes',
      principal,
      node,
      mismatch: withPinned(hostKeyMismatchOf(history.events), node.hostKeyFingerprint),
      repository: await this.repositoryOf(id),
      active: node.status !== 'decommissioned',
      factsJson: Object.keys(node.facts).length ? JSON.stringify(node.facts, null, 2) : '',
      jobs: jobs.items,
      history: [...history.events].reverse(),
      ...extra,
    });
  }

  /** Re-pin the host key: the fingerprint given, or (field left empty) the key the node presents now. */
  @Post(':id/host-key')
  async repin(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    try {
      const fingerprint = optional(values.fingerprint);
      const input = validateForm(RepinHostKeyDto, fingerprint === undefined ? {} : { fingerprint });
      await this.commands.execute<RepinNodeHostKeyCommand, RepinNodeHostKeyResult>(new RepinNodeHostKeyCommand(id, input.fingerprint, commandMetaOf(request)));
      return seeOther(reply, `/nodes/${id}?repinned=1`);
    } catch (error) {
      const failure = formFailure(error, ['NODE_UNREACHABLE']);
      if (failure.formError?.code === 'NODE_UNREACHABLE') {
        failure.formError = { code: 'NODE_UNREACHABLE', message: `Could not scan the node's host key: ${failure.formError.message}. Enter the fingerprint to pin it without a scan.` };
      }
      return sendHtml(reply, failure.status, await this.renderDetail(principal, id, { values, errors: failure.errors, repinError: failure.formError }));
    }
  }

  /** Check the node now: queues (or reuses) a node.health-check job and shows it. */
  @Post(':id/health-check')
  async healthCheck(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    try {
      const job = await this.commands.execute<RequestNodeHealthCheckCommand, EnqueuedJob>(new RequestNodeHealthCheckCommand(id, commandMetaOf(request)));
      return seeOther(reply, `/jobs/${job.id}?done=${encodeURIComponent('Health check')}`);
    } catch (error) {
      const failure = formFailure(error);
      return sendHtml(reply, failure.status, await this.renderDetail(principal, id, { values: {}, errors: {}, formError: failure.formError ?? { code: 'VALIDATION_FAILED', message: 'Health check refused' } }));
    }
  }

  private async repositoryOf(id: string): Promise<BackupRepositoryView | null> {
    try {
      return await this.queries.execute<GetBackupRepositoryQuery, BackupRepositoryView>(new GetBackupRepositoryQuery(id));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'BACKUP_REPOSITORY_NOT_FOUND') return null;
      throw error;
    }
  }

  /** Set the restic repository. A refused form is shown again with the url only: a password or key is never echoed. */
  @Post(':id/backup-repository')
  async setRepository(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const values = formValues(body);
    try {
      const sftpKey = optional(values.sftpKey);
      const input = validateForm(BackupRepositoryDto, { url: values.url ?? '', password: values.password ?? '', ...(sftpKey === undefined ? {} : { sftpKey }) });
      await this.commands.execute(new SetBackupRepositoryCommand(id, { ...input }, commandMetaOf(request)));
      return seeOther(reply, `/nodes/${id}?repository=1`);
    } catch (error) {
      const failure = formFailure(error);
      return sendHtml(reply, failure.status, await this.renderDetail(principal, id, { values: { url: values.url ?? '' }, errors: failure.errors, repositoryError: failure.formError }));
    }
  }

  @Post(':id/backup-repository/remove')
  async removeRepository(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    try {
      await this.commands.execute(new RemoveBackupRepositoryCommand(id, commandMetaOf(request)));
      return seeOther(reply, `/nodes/${id}?repositoryRemoved=1`);
    } catch (error) {
      const failure = formFailure(error);
      return sendHtml(reply, failure.status, await this.renderDetail(principal, id, { values: {}, errors: {}, repositoryError: failure.formError }));
    }
  }

  @Post(':id/bootstrap')
  async bootstrap(@Param('id') rawId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    await this.commands.execute(new RequestNodeBootstrapCommand(id, commandMetaOf(request)));
    return seeOther(reply, `/nodes/${id}?bootstrap=1`);
  }
}
