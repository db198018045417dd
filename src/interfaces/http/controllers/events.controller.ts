import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { ListEventsQuery } from '../../../application/events/list-events/list-events.query';
import { StreamHistoryQuery } from '../../../application/events/stream-history/stream-history.query';
import { VerifyEventsQuery } from '../../../application/events/verify-events/verify-events.query';
import { EventsQueryDto } from '../dto/events-query.dto';
import { StreamParam } from '../params';

@ApiTags('events')
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  list(@Query() q: EventsQueryDto) {
    return this.queries.execute(
      new ListEventsQuery({
        streamId: q.stream,
        type: q.type,
        actor: q.actor,
        correlationId: q.correlationId,
        causationId: q.causationId,
        from: q.from,
        to: q.to,
        after: q.after,
        limit: q.limit,
      }),
    );
  }

  /** Walks the hash chain; names the first broken event. */
  @Get('verify')
  verify() {
    return this.queries.execute(new VerifyEventsQuery());
  }

  @Get('streams/:streamId')
  stream(@StreamParam() streamId: string) {
    return this.queries.execute(new StreamHistoryQuery(streamId));
  }
}
