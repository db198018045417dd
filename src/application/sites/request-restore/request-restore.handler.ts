import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { siteDecider } from '../../../domain/site/site.decider';
import type { RestoreRequestedData } from '../../../domain/site/site-backup.events';
import { siteStreamId } from '../../../domain/site/site.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { RequestRestoreCommand } from './request-restore.command';

export interface RequestRestoreResult extends CommandResult {
  readonly restoreId: string | null;
  /** The id the restore's pre-restore backup gets (listed once taken). */
  readonly preRestoreBackupId: string | null;
}

@CommandHandler(RequestRestoreCommand)
export class RequestRestoreHandler implements ICommandHandler<RequestRestoreCommand, RequestRestoreResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
  ) {}

  async execute(c: RequestRestoreCommand): Promise<RequestRestoreResult> {
    const result = this.decideAndAppend.run(
      siteStreamId(c.siteId),
      siteDecider,
      { type: 'RequestRestore', siteId: c.siteId, restoreId: this.ids.newId(), environment: c.environment, backupId: c.backupId },
      c.meta,
    );
    const requested = result.events.find((e) => e.type === 'RestoreRequested')?.data as RestoreRequestedData | undefined;
    return { ...toCommandResult(result), restoreId: requested?.restoreId ?? null, preRestoreBackupId: requested?.preRestoreBackupId ?? null };
  }
}
