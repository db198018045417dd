import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { runSiteCommand } from '../run-site-command';
import { RetryBackupCommand } from './retry-backup.command';

@CommandHandler(RetryBackupCommand)
export class RetryBackupHandler implements ICommandHandler<RetryBackupCommand, CommandResult> {
  constructor(private readonly decideAndAppend: DecideAndAppend) {}

  async execute(c: RetryBackupCommand): Promise<CommandResult> {
    return runSiteCommand(this.decideAndAppend, { type: 'RetryBackup', siteId: c.siteId, backupId: c.backupId, ...(c.environment === undefined ? {} : { environment: c.environment }) }, c.meta);
  }
}
