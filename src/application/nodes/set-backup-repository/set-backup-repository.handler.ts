import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { BackupRepositorySecretStore } from '../../ports/backup-repository-secrets.port';
import { IdGenerator } from '../../ports/clock.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';
import { SetBackupRepositoryCommand } from './set-backup-repository.command';

export interface SetBackupRepositoryResult extends CommandResult {
  readonly repositoryId: string | null;
}

/**
 * Records NodeBackupRepositorySet (url and kind only) and a check that opens or initializes the
 * repository; the password and sftp key are sealed in the same transaction, so refused input stores
 * nothing and no event ever holds them.
 */
@CommandHandler(SetBackupRepositoryCommand)
export class SetBackupRepositoryHandler implements ICommandHandler<SetBackupRepositoryCommand, SetBackupRepositoryResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
    private readonly uow: UnitOfWork,
    private readonly secrets: BackupRepositorySecretStore,
  ) {}

  async execute({ nodeId, input, meta }: SetBackupRepositoryCommand): Promise<SetBackupRepositoryResult> {
    const repositoryId = this.ids.newId();
    const result = this.uow.run(() => {
      const appended = this.decideAndAppend.run(
        nodeStreamId(nodeId),
        nodeDecider,
        { type: 'SetBackupRepository', nodeId, repositoryId, url: input.url, password: input.password, sftpKey: input.sftpKey },
        meta,
      );
      // A repeat of the request (same Idempotency-Key) appends nothing and keeps the secrets it stored.
      if (!appended.duplicate) {
        const sftpKey = typeof input.sftpKey === 'string' && input.sftpKey !== '' ? input.sftpKey : null;
        this.secrets.put(nodeId, repositoryId, { password: input.password as string, sftpKey });
      }
      return appended;
    });
    const set = result.events.find((e) => e.type === 'NodeBackupRepositorySet')?.data as { repositoryId: string } | undefined;
    return { ...toCommandResult(result), repositoryId: set?.repositoryId ?? null };
  }
}
