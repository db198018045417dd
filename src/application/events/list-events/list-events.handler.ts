import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventStore, RecordedEvent } from '../../ports/event-store.port';
import { ListEventsQuery } from './list-events.query';

export interface EventPage {
  items: RecordedEvent[];
  /** The `after` value for the next page, or null at the end. */
  next: number | null;
}

@QueryHandler(ListEventsQuery)
export class ListEventsHandler implements IQueryHandler<ListEventsQuery, EventPage> {
  constructor(private readonly store: EventStore) {}

  async execute(q: ListEventsQuery): Promise<EventPage> {
    const rows = this.store.query({ ...q.filter, limit: q.filter.limit + 1 });
    const items = rows.slice(0, q.filter.limit);
    return { items, next: rows.length > q.filter.limit ? items[items.length - 1].globalPosition : null };
  }
}
