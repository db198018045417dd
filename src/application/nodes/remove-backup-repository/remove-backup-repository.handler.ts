import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { BackupRepositorySecretStore } from '../../ports/backup-repository-secrets.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';
import { RemoveBackupRepositoryCommand } from './remove-backup-repository.command';

/** Records NodeBackupRepositoryRemoved and forgets the sealed secrets in the same transaction. */
@CommandHandler(RemoveBackupRepositoryCommand)
export class RemoveBackupRepositoryHandler implements ICommandHandler<RemoveBackupRepositoryCommand, CommandResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly uow: UnitOfWork,
    private readonly secrets: BackupRepositorySecretStore,
  ) {}

  async execute({ nodeId, meta }: RemoveBackupRepositoryCommand): Promise<CommandResult> {
    const result = this.uow.run(() => {
      const appended = this.decideAndAppend.run(nodeStreamId(nodeId), nodeDecider, { type: 'RemoveBackupRepository', nodeId }, meta);
      if (!appended.duplicate) this.secrets.remove(nodeId);
      return appended;
    });
    return toCommandResult(result);
  }
}
