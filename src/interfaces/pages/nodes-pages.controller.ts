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
import { commandMetaOf } from '../http/command-meta.decorator';
import { ListNodesQueryDto } from '../http/dto/list-query.dto';
import { RegisterNodeDto } from '../http/dto/node.dto';
import { PageRenderer } from './page-renderer';
import { CurrentPrincipal, formFailure, formValues, optional, PagesErrorFilter, seeOther, sendHtml, validateForm } from './page-support';
import { pagerLink, pageQuery, pathId } from './page-params';

const STATUSES = ['pending', 'bootstrapping', 'ready', 'unreachable', 'failed', 'decommissioned'];

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
  form(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply) {
    return sendHtml(reply, 200, this.renderer.render('node-new', { title: 'Register a node', nav: 'nodes', principal, values: {}, errors: {} }));
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
      const failure = formFailure(error);
      return sendHtml(reply, failure.status, this.renderer.render('node-new', { title: 'Register a node', nav: 'nodes', principal, values, ...failure }));
    }
  }

  @Get(':id')
  async detail(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    const node = await this.queries.execute<GetNodeQuery, NodeView>(new GetNodeQuery(id));
    const [jobs, history] = await Promise.all([
      this.queries.execute<ListJobsQuery, Page<JobView>>(new ListJobsQuery(50, undefined, { nodeId: id })),
      this.queries.execute<StreamHistoryQuery, StreamSlice>(new StreamHistoryQuery(`node-${id}`)),
    ]);
    const notice = raw.registered ? 'Node registered; its bootstrap job is queued.' : raw.bootstrap ? 'Bootstrap requested.' : undefined;
    return sendHtml(
      reply,
      200,
      this.renderer.render('node', {
        title: `Node ${node.name}`,
        nav: 'nodes',
        principal,
        notice,
        node,
        factsJson: Object.keys(node.facts).length ? JSON.stringify(node.facts, null, 2) : '',
        jobs: jobs.items,
        history: [...history.events].reverse(),
      }),
    );
  }

  @Post(':id/bootstrap')
  async bootstrap(@Param('id') rawId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const id = pathId(rawId);
    await this.commands.execute(new RequestNodeBootstrapCommand(id, commandMetaOf(request)));
    return seeOther(reply, `/nodes/${id}?bootstrap=1`);
  }
}
