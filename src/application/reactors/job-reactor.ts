import type { JobRequest, RecordedEvent } from '../ports/event-store.port';
import type { Reactor } from './reactor';

/** A reactor that turns one event type into one job. */
export function jobReactor<D>(name: string, eventType: string, toJob: (data: D, event: RecordedEvent) => JobRequest): Reactor {
  const handles = new Set([eventType]);
  return { name, handles, react: (event) => [toJob(event.data as D, event)] };
}
