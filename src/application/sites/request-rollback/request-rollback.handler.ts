import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { runSiteCommand } from '../run-site-command';
import { RequestRollbackCommand } from './request-rollback.command';

@CommandHandler(RequestRollbackCommand)
export class RequestRollbackHandler implements ICommandHandler<RequestRollbackCommand, CommandResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
  ) {}

  async execute(c: RequestRollbackCommand): Promise<CommandResult> {
    return runSiteCommand(
      this.decideAndAppend,
      {
        type: 'RequestRollback',
        siteId: c.siteId,
        rollbackId: this.ids.newId(),
        environment: c.environment,
        ...(c.releaseId ? { releaseId: c.releaseId } : {}),
        force: c.force,
      },
      c.meta,
    );
  }
}
