import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandMeta } from '../../../application/common/command-meta';
import type { CommandResult } from '../../../application/common/command-result';
import { GetNodeQuery } from '../../../application/nodes/get-node/get-node.query';
import { ListNodesQuery } from '../../../application/nodes/list-nodes/list-nodes.query';
import type { NodeView } from '../../../application/nodes/node.view';
import { RegisterNodeCommand } from '../../../application/nodes/register-node/register-node.command';
import type { RegisterNodeResult } from '../../../application/nodes/register-node/register-node.handler';
import { RequestNodeBootstrapCommand } from '../../../application/nodes/request-node-bootstrap/request-node-bootstrap.command';
import { RepinNodeHostKeyCommand } from '../../../application/nodes/repin-node-host-key/repin-node-host-key.command';
import type { RepinNodeHostKeyResult } from '../../../application/nodes/repin-node-host-key/repin-node-host-key.handler';
import { RequestNodeHealthCheckCommand } from '../../../application/nodes/request-node-health-check/request-node-health-check.command';
import type { EnqueuedJob } from '../../../application/ports/event-store.port';
import { StreamHistoryQuery } from '../../../application/events/stream-history/stream-history.query';
import { Meta } from '../command-meta.decorator';
import { ListNodesQueryDto } from '../dto/list-query.dto';
import { RegisterNodeDto, RepinHostKeyDto } from '../dto/node.dto';
import { IdParam } from '../params';
import { jobRef } from './job-ref';

@ApiTags('nodes')
@Controller('api/v1/nodes')
export class NodesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(202)
  async register(@Body() body: RegisterNodeDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RegisterNodeCommand, RegisterNodeResult>(new RegisterNodeCommand(body, meta));
    const node = await this.queries.execute<GetNodeQuery, NodeView>(new GetNodeQuery(result.nodeId));
    return {
      node: { id: node.id, name: node.name, status: node.status, hostKeyFingerprint: node.hostKeyFingerprint, version: node.version },
      job: jobRef(result),
    };
  }

  @Get()
  list(@Query() q: ListNodesQueryDto) {
    return this.queries.execute(new ListNodesQuery(q.limit, q.cursor, q.status));
  }

  @Get(':id')
  async get(@IdParam() id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const node = await this.queries.execute<GetNodeQuery, NodeView>(new GetNodeQuery(id));
    reply.header('ETag', `"${node.version}"`);
    return node;
  }

  @Get(':id/events')
  history(@IdParam() id: string) {
    return this.queries.execute(new StreamHistoryQuery(`node-${id}`));
  }

  @Post(':id/bootstrap')
  @HttpCode(202)
  async bootstrap(@IdParam() id: string, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RequestNodeBootstrapCommand, CommandResult>(new RequestNodeBootstrapCommand(id, meta));
    return { version: result.version, job: jobRef(result) };
  }

  /** Operator re-pin: the given fingerprint or the key the node presents now (NodeHostKeyPinned, flag cleared). */
  @Post(':id/host-key')
  @HttpCode(200)
  async repinHostKey(@IdParam() id: string, @Body() body: RepinHostKeyDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute<RepinNodeHostKeyCommand, RepinNodeHostKeyResult>(new RepinNodeHostKeyCommand(id, body?.fingerprint, meta));
    const node = await this.queries.execute<GetNodeQuery, NodeView>(new GetNodeQuery(id));
    return {
      node: { id: node.id, name: node.name, status: node.status, hostKeyFingerprint: node.hostKeyFingerprint, version: node.version },
      previousFingerprint: result.previousFingerprint,
    };
  }

  /** Check the node now: 202 with the node.health-check job (an unfinished one is reused). */
  @Post(':id/health-check')
  @HttpCode(202)
  async healthCheck(@IdParam() id: string, @Meta() meta: CommandMeta) {
    const job = await this.commands.execute<RequestNodeHealthCheckCommand, EnqueuedJob>(new RequestNodeHealthCheckCommand(id, meta));
    return { job: { id: job.id, kind: job.kind, created: job.created } };
  }
}
