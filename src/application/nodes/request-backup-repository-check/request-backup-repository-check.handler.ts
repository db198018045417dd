import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { RequestBackupRepositoryCheckCommand } from './request-backup-repository-check.command';

/** BackupRepositoryCheckRequested (reason operator), which queues node.backup-repository-check; nothing while one is pending. */
@CommandHandler(RequestBackupRepositoryCheckCommand)
export class RequestBackupRepositoryCheckHandler implements ICommandHandler<RequestBackupRepositoryCheckCommand, CommandResult> {
  constructor(private readonly decideAndAppend: DecideAndAppend) {}

  async execute({ nodeId, meta }: RequestBackupRepositoryCheckCommand): Promise<CommandResult> {
    return toCommandResult(this.decideAndAppend.run(nodeStreamId(nodeId), nodeDecider, { type: 'RequestBackupRepositoryCheck', nodeId, reason: 'operator' }, meta));
  }
}
