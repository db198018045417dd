import type { JobRequest, RecordedEvent } from '../ports/event-store.port';

/**
 * Work that must happen because of an event. Runs inside the append transaction and turns the event
 * into job rows, so the work can never be lost between "event stored" and "job queued".
 */
export interface Reactor {
  readonly name: string;
  readonly handles: ReadonlySet<string>;
  react(event: RecordedEvent): JobRequest[];
}
