import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { runSiteCommand } from '../run-site-command';
import { RequestSiteResetCommand } from './request-site-reset.command';

@CommandHandler(RequestSiteResetCommand)
export class RequestSiteResetHandler implements ICommandHandler<RequestSiteResetCommand, CommandResult> {
  constructor(private readonly decideAndAppend: DecideAndAppend) {}

  async execute(c: RequestSiteResetCommand): Promise<CommandResult> {
    return runSiteCommand(this.decideAndAppend, { type: 'RequestSiteReset', siteId: c.siteId, reason: c.reason }, c.meta);
  }
}
