import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../domain/common/domain-error';
import { EventStore, RecordedEvent } from '../ports/event-store.port';
import { SqlReader } from '../ports/sql-reader.port';
import { GetEventDetailQuery } from './get-event-detail.query';

export interface EventDetailView {
  event: RecordedEvent;
  /** The event named by metadata.causationId, or null when a command (not an event) caused it. */
  cause: RecordedEvent | null;
  /** Events whose causationId is this event's id (e.g. JobQueued after SiteCreated). */
  effects: RecordedEvent[];
  /** Other events whose causationId is this event's commandId: recorded by the same command. */
  siblings: RecordedEvent[];
}

const MAX_RELATED = 200;

@QueryHandler(GetEventDetailQuery)
export class GetEventDetailHandler implements IQueryHandler<GetEventDetailQuery, EventDetailView> {
  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlReader,
  ) {}

  async execute({ globalPosition }: GetEventDetailQuery): Promise<EventDetailView> {
    const event = this.at(globalPosition);
    if (!event) throw new NotFound('event', String(globalPosition));
    const causePosition = this.sql.get<{ p: number }>('SELECT global_position AS p FROM events WHERE event_id = ?', [event.metadata.causationId])?.p;
    const cause = causePosition === undefined ? null : (this.at(causePosition) ?? null);
    const effects = this.store.query({ causationId: event.eventId, limit: MAX_RELATED });
    const siblings = this.store
      .query({ causationId: event.metadata.commandId, limit: MAX_RELATED })
      .filter((e) => e.eventId !== event.eventId);
    return { event, cause, effects, siblings };
  }

  private at(position: number): RecordedEvent | undefined {
    return this.store.query({ after: position - 1, limit: 1 }).find((e) => e.globalPosition === position);
  }
}
