import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../domain/common/domain-error';
import { EventStore, StreamSlice } from '../../ports/event-store.port';
import { StreamHistoryQuery } from './stream-history.query';

@QueryHandler(StreamHistoryQuery)
export class StreamHistoryHandler implements IQueryHandler<StreamHistoryQuery, StreamSlice> {
  constructor(private readonly store: EventStore) {}

  async execute(q: StreamHistoryQuery): Promise<StreamSlice> {
    const slice = this.store.readStream(q.streamId);
    if (slice.version === 0) throw new NotFound('stream', q.streamId);
    return slice;
  }
}
