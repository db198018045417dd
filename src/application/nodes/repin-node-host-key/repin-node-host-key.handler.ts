import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { NotFound } from '../../../domain/common/domain-error';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { NodeAccessSettings } from '../../ports/node-access.port';
import { RemoteShell } from '../../ports/remote-shell.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { RepinNodeHostKeyCommand } from './repin-node-host-key.command';

export interface RepinNodeHostKeyResult extends CommandResult {
  readonly fingerprint: string;
  readonly previousFingerprint: string | null;
}

/**
 * Records NodeHostKeyPinned (with the previous fingerprint) and clears a host key mismatch flag (the
 * node returns to the status it had). Without a fingerprint the node's current key is scanned.
 */
@CommandHandler(RepinNodeHostKeyCommand)
export class RepinNodeHostKeyHandler implements ICommandHandler<RepinNodeHostKeyCommand, RepinNodeHostKeyResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly sql: SqlReader,
    private readonly shell: RemoteShell,
    private readonly settings: NodeAccessSettings,
  ) {}

  async execute({ nodeId, fingerprint, meta }: RepinNodeHostKeyCommand): Promise<RepinNodeHostKeyResult> {
    const row = this.sql.get<{ host: string; port: number; host_key_fingerprint: string | null }>(
      'SELECT host, port, host_key_fingerprint FROM rm_nodes WHERE id = ?',
      [nodeId],
    );
    if (!row) throw new NotFound('node', nodeId);
    const pin = fingerprint ?? (await this.shell.scanHostKey(row.host, row.port, this.settings.connectTimeoutMs));
    const result = this.decideAndAppend.run(nodeStreamId(nodeId), nodeDecider, { type: 'PinNodeHostKey', nodeId, fingerprint: pin }, meta);
    return { ...toCommandResult(result), fingerprint: pin, previousFingerprint: row.host_key_fingerprint };
  }
}
