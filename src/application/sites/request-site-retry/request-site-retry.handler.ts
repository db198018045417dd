import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { runSiteCommand } from '../run-site-command';
import { RequestSiteRetryCommand } from './request-site-retry.command';

@CommandHandler(RequestSiteRetryCommand)
export class RequestSiteRetryHandler implements ICommandHandler<RequestSiteRetryCommand, CommandResult> {
  constructor(private readonly decideAndAppend: DecideAndAppend) {}

  async execute(c: RequestSiteRetryCommand): Promise<CommandResult> {
    return runSiteCommand(this.decideAndAppend, { type: 'RequestSiteRetry', siteId: c.siteId }, c.meta);
  }
}
