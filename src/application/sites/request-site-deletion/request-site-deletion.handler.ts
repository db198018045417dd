import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { runSiteCommand } from '../run-site-command';
import { RequestSiteDeletionCommand } from './request-site-deletion.command';

@CommandHandler(RequestSiteDeletionCommand)
export class RequestSiteDeletionHandler implements ICommandHandler<RequestSiteDeletionCommand, CommandResult> {
  constructor(private readonly decideAndAppend: DecideAndAppend) {}

  async execute(c: RequestSiteDeletionCommand): Promise<CommandResult> {
    return runSiteCommand(this.decideAndAppend, { type: 'RequestSiteDeletion', siteId: c.siteId }, c.meta);
  }
}
