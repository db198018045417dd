import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { siteDecider } from '../../../domain/site/site.decider';
import { PlannedFinalBackup, SiteDeletionRequestedData, siteStreamId } from '../../../domain/site/site.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { RequestSiteDeletionCommand } from './request-site-deletion.command';

export interface RequestSiteDeletionResult extends CommandResult {
  readonly deletionId: string | null;
  /** The final backup each environment gets before anything is removed (listed once taken). */
  readonly finalBackups: readonly PlannedFinalBackup[];
}

@CommandHandler(RequestSiteDeletionCommand)
export class RequestSiteDeletionHandler implements ICommandHandler<RequestSiteDeletionCommand, RequestSiteDeletionResult> {
  constructor(private readonly decideAndAppend: DecideAndAppend) {}

  async execute(c: RequestSiteDeletionCommand): Promise<RequestSiteDeletionResult> {
    const result = this.decideAndAppend.run(siteStreamId(c.siteId), siteDecider, { type: 'RequestSiteDeletion', siteId: c.siteId }, c.meta);
    // On a repeated Idempotency-Key the first request's plan comes back with the first result.
    const requested = result.events.find((e) => e.type === 'SiteDeletionRequested')?.data as SiteDeletionRequestedData | undefined;
    return { ...toCommandResult(result), deletionId: requested?.deletionId ?? null, finalBackups: requested?.finalBackups ?? [] };
  }
}
