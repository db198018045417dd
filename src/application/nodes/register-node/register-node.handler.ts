import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { DomainError } from '../../../domain/common/domain-error';
import { parseHost, parsePort } from '../../../domain/common/value-objects';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { CommandLog } from '../../ports/event-store.port';
import { NodeAccessSettings } from '../../ports/node-access.port';
import { RemoteShell } from '../../ports/remote-shell.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';
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
    private readonly shell: RemoteShell,
    private readonly settings: NodeAccessSettings,
    private readonly uow: UnitOfWork,
  ) {}

  async execute({ input, meta }: RegisterNodeCommand): Promise<RegisterNodeResult> {
    const previous = this.commands.previousResult(meta.commandId, meta.requestHash);
    if (previous) return { ...toCommandResult(previous), duplicate: true, nodeId: previous.streamId.slice('node-'.length) };

    this.refuseTakenName(input.name);
    // Pin the host key the node presents now (docs/architecture.md §2), unless the operator gave one: then the first
    // connection verifies it. Unreachable -> NODE_UNREACHABLE (502) and nothing is appended.
    let hostKeyFingerprint = input.hostKeyFingerprint;
    if (!hostKeyFingerprint && this.settings.hostKeyScan) {
      const host = parseHost(input.host);
      const port = input.port === undefined ? 22 : parsePort(input.port);
      hostKeyFingerprint = await this.shell.scanHostKey(host, port, this.settings.connectTimeoutMs);
    }
    const nodeId = this.ids.newId();
    // The scan above awaited: another registration of the same name may have committed meanwhile.
    // Check again in the append's own transaction, so the loser gets 409 instead of hitting the unique index.
    const result = this.uow.run(() => {
      this.refuseTakenName(input.name);
      return this.decideAndAppend.run(
        nodeStreamId(nodeId),
        nodeDecider,
        { type: 'RegisterNode', nodeId, ...input, ...(hostKeyFingerprint ? { hostKeyFingerprint } : {}) },
        meta,
      );
    });
    return { ...toCommandResult(result), nodeId };
  }

  /** Names are unique over every node the read model holds (the unique index rm_nodes_name, decommissioned ones included). */
  private refuseTakenName(name: unknown): void {
    if (typeof name === 'string' && this.sql.get('SELECT 1 FROM rm_nodes WHERE name = ?', [name.toLowerCase()])) {
      throw new DomainError('DUPLICATE', `a node named "${name}" already exists`, { field: 'name' });
    }
  }
}
