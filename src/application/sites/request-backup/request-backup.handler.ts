import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { siteDecider } from '../../../domain/site/site.decider';
import type { BackupRequestedData } from '../../../domain/site/site-backup.events';
import { siteStreamId } from '../../../domain/site/site.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { RequestBackupCommand } from './request-backup.command';

export interface RequestBackupResult extends CommandResult {
  readonly backupId: string | null;
}

@CommandHandler(RequestBackupCommand)
export class RequestBackupHandler implements ICommandHandler<RequestBackupCommand, RequestBackupResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
  ) {}

  async execute(c: RequestBackupCommand): Promise<RequestBackupResult> {
    const result = this.decideAndAppend.run(
      siteStreamId(c.siteId),
      siteDecider,
      { type: 'RequestBackup', siteId: c.siteId, backupId: this.ids.newId(), environment: c.environment, scope: c.scope },
      c.meta,
    );
    // On a repeated Idempotency-Key the first request's backup id comes back with the first result.
    const requested = result.events.find((e) => e.type === 'BackupRequested');
    return { ...toCommandResult(result), backupId: (requested?.data as BackupRequestedData | undefined)?.backupId ?? null };
  }
}
