import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventStore, VerifyResult } from '../../ports/event-store.port';
import { VerifyEventsQuery } from './verify-events.query';

@QueryHandler(VerifyEventsQuery)
export class VerifyEventsHandler implements IQueryHandler<VerifyEventsQuery, VerifyResult> {
  constructor(private readonly store: EventStore) {}

  async execute(): Promise<VerifyResult> {
    return this.store.verify();
  }
}
