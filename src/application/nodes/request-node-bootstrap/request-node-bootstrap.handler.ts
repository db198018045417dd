import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { RequestNodeBootstrapCommand } from './request-node-bootstrap.command';

@CommandHandler(RequestNodeBootstrapCommand)
export class RequestNodeBootstrapHandler implements ICommandHandler<RequestNodeBootstrapCommand, CommandResult> {
  constructor(private readonly decideAndAppend: DecideAndAppend) {}

  async execute(c: RequestNodeBootstrapCommand): Promise<CommandResult> {
    return toCommandResult(
      this.decideAndAppend.run(nodeStreamId(c.nodeId), nodeDecider, { type: 'RequestNodeBootstrap', nodeId: c.nodeId }, c.meta),
    );
  }
}
