import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { runSiteCommand } from '../run-site-command';
import { RequestEnvironmentDeletionCommand } from './request-environment-deletion.command';

@CommandHandler(RequestEnvironmentDeletionCommand)
export class RequestEnvironmentDeletionHandler implements ICommandHandler<RequestEnvironmentDeletionCommand, CommandResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
  ) {}

  async execute(c: RequestEnvironmentDeletionCommand): Promise<CommandResult> {
    return runSiteCommand(
      this.decideAndAppend,
      { type: 'RequestEnvironmentDeletion', siteId: c.siteId, environmentDeletionId: this.ids.newId(), environment: c.environment },
      c.meta,
    );
  }
}
