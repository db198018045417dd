import type { EventQuery } from '../../ports/event-store.port';

export class ListEventsQuery {
  constructor(readonly filter: EventQuery) {}
}
