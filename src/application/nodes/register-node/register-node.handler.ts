import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { DomainError } from '../../../domain/shared/domain-error';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { CommandLog } from '../../ports/event-store.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { RegisterNodeCommand } from './register-node.command';

export interface RegisterNodeResult extends CommandResult {
  readonly nodeId: string;
}

@CommandHandler(RegisterNodeCommand)
export class RegisterNodeHandler implements ICommandHandler<RegisterNodeCommand, RegisterNodeResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly commands: CommandLog,
    private readonly ids: IdGenerator,
    private readonly sql: SqlReader,
  ) {}

  async execute({ input, meta }: RegisterNodeCommand): Promise<RegisterNodeResult> {
    const previous = this.commands.previousResult(meta.commandId);
    if (previous) return { ...toCommandResult(previous), duplicate: true, nodeId: previous.streamId.slice('node-'.length) };

    if (this.sql.get("SELECT 1 FROM rm_nodes WHERE name = ? AND status <> 'decommissioned'", [input.name.toLowerCase()])) {
      throw new DomainError('DUPLICATE', `a node named "${input.name}" already exists`, { field: 'name' });
    }
    const nodeId = this.ids.newId();
    const result = this.decideAndAppend.run(nodeStreamId(nodeId), nodeDecider, { type: 'RegisterNode', nodeId, ...input }, meta);
    return { ...toCommandResult(result), nodeId };
  }
}
