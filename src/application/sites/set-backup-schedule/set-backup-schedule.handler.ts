import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { siteDecider } from '../../../domain/site/site.decider';
import { siteStreamId } from '../../../domain/site/site.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { cronProblem } from '../backup-schedules/cron-calendar';
import { SetBackupScheduleCommand } from './set-backup-schedule.command';

@CommandHandler(SetBackupScheduleCommand)
export class SetBackupScheduleHandler implements ICommandHandler<SetBackupScheduleCommand, CommandResult> {
  constructor(private readonly decideAndAppend: DecideAndAppend) {}

  async execute(c: SetBackupScheduleCommand): Promise<CommandResult> {
    const { cron, timeZone, scope, retention } = c.input;
    // Whether the expression names times does not depend on the zone (the decider checks the zone itself).
    const problem = typeof cron === 'string' ? cronProblem(cron.trim().replace(/\s+/g, ' '), 'UTC') : 'cron must be a string';
    const result = this.decideAndAppend.run(
      siteStreamId(c.siteId),
      siteDecider,
      { type: 'SetBackupSchedule', siteId: c.siteId, environment: c.environment, cron, timeZone, scope, retention, cronProblem: problem },
      c.meta,
    );
    return toCommandResult(result);
  }
}
