import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CommandLog } from '../../ports/event-store.port';
import { CheckIdempotencyKeyQuery } from './check-idempotency-key.query';

/**
 * Asked before a keyed request reaches its handler, so every command (also those whose handler
 * returns an earlier result before deciding) refuses a reused key with another request. The append
 * checks again inside its transaction, which closes the race of two such requests at once.
 */
@QueryHandler(CheckIdempotencyKeyQuery)
export class CheckIdempotencyKeyHandler implements IQueryHandler<CheckIdempotencyKeyQuery, { known: boolean }> {
  constructor(private readonly commands: CommandLog) {}

  async execute({ commandId, requestHash }: CheckIdempotencyKeyQuery): Promise<{ known: boolean }> {
    return { known: this.commands.previousResult(commandId, requestHash) !== undefined };
  }
}
