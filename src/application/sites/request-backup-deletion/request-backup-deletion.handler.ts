import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { siteDecider } from '../../../domain/site/site.decider';
import type { BackupDeletionRequestedData } from '../../../domain/site/site-backup-schedule.events';
import { siteStreamId } from '../../../domain/site/site.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { RequestBackupDeletionCommand } from './request-backup-deletion.command';

export interface RequestBackupDeletionResult extends CommandResult {
  readonly deletionId: string | null;
}

@CommandHandler(RequestBackupDeletionCommand)
export class RequestBackupDeletionHandler implements ICommandHandler<RequestBackupDeletionCommand, RequestBackupDeletionResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
  ) {}

  async execute(c: RequestBackupDeletionCommand): Promise<RequestBackupDeletionResult> {
    const result = this.decideAndAppend.run(
      siteStreamId(c.siteId),
      siteDecider,
      { type: 'RequestBackupDeletion', siteId: c.siteId, ...(c.environment === null ? {} : { environment: c.environment }), backupId: c.backupId, deletionId: this.ids.newId() },
      c.meta,
    );
    const requested = result.events.find((e) => e.type === 'BackupDeletionRequested')?.data as BackupDeletionRequestedData | undefined;
    return { ...toCommandResult(result), deletionId: requested?.deletionId ?? null };
  }
}
