import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { siteDecider } from '../../../domain/site/site.decider';
import { siteStreamId } from '../../../domain/site/site.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { RemoveBackupScheduleCommand } from './remove-backup-schedule.command';

@CommandHandler(RemoveBackupScheduleCommand)
export class RemoveBackupScheduleHandler implements ICommandHandler<RemoveBackupScheduleCommand, CommandResult> {
  constructor(private readonly decideAndAppend: DecideAndAppend) {}

  async execute(c: RemoveBackupScheduleCommand): Promise<CommandResult> {
    return toCommandResult(
      this.decideAndAppend.run(siteStreamId(c.siteId), siteDecider, { type: 'RemoveBackupSchedule', siteId: c.siteId, environment: c.environment }, c.meta),
    );
  }
}
