import { Controller, Get, Param, Query, Res, UseFilters } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../../application/auth/principal';
import type { EventDetailView } from '../../application/event-inspector/get-event-detail.handler';
import { GetEventDetailQuery } from '../../application/event-inspector/get-event-detail.query';
import type { EventPage } from '../../application/events/list-events/list-events.handler';
import { ListEventsQuery } from '../../application/events/list-events/list-events.query';
import { VerifyEventsQuery } from '../../application/events/verify-events/verify-events.query';
import type { EventQuery, RecordedEvent, VerifyResult } from '../../application/ports/event-store.port';
import { DomainError } from '../../domain/common/domain-error';
import { EventsQueryDto } from '../http/dto/events-query.dto';
import { pagerLink } from './page-params';
import { PageRenderer } from './page-renderer';
import { CurrentPrincipal, formFailure, PagesErrorFilter, sendHtml, validateForm } from './page-support';

const FILTER_KEYS = ['stream', 'type', 'actor', 'correlationId', 'from', 'to'] as const;
/** An export stops after this many events (a filter narrows it). */
const EXPORT_MAX = 100_000;

/** `2024-05-01T10:00` (datetime-local, UTC) or a full ISO string -> ISO string, for the filter. */
function toIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return `${value.length === 16 ? value + ':00' : value}.000Z`;
  return value;
}

/** The query string -> the API's EventsQueryDto (same validation) -> the store's filter. */
function parseFilter(raw: Record<string, string>): { filter: Omit<EventQuery, 'limit'> & { limit: number }; form: Record<string, string> } {
  const form: Record<string, string> = {};
  for (const key of FILTER_KEYS) if (typeof raw[key] === 'string' && raw[key].trim() !== '') form[key] = raw[key].trim();
  const dto = validateForm(EventsQueryDto, {
    ...form,
    ...(form.from ? { from: toIso(form.from) } : {}),
    ...(form.to ? { to: toIso(form.to) } : {}),
    ...(raw.after ? { after: raw.after } : {}),
    ...(raw.limit ? { limit: raw.limit } : {}),
  });
  return {
    filter: {
      streamId: dto.stream,
      type: dto.type,
      actor: dto.actor,
      correlationId: dto.correlationId,
      from: dto.from,
      to: dto.to,
      after: dto.after,
      limit: raw.limit ? dto.limit : 50,
    },
    form,
  };
}

function csvCell(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CSV_COLUMNS = ['globalPosition', 'eventId', 'streamId', 'streamVersion', 'type', 'schemaVersion', 'recordedAt', 'actor', 'correlationId', 'causationId', 'commandId', 'data', 'hash'];

function csvRow(e: RecordedEvent): string {
  const m = e.metadata;
  return [e.globalPosition, e.eventId, e.streamId, e.streamVersion, e.type, e.schemaVersion, e.recordedAt, m.actor, m.correlationId, m.causationId, m.commandId, e.data, e.hash]
    .map((v) => csvCell(typeof v === 'number' ? String(v) : v))
    .join(',');
}

@ApiExcludeController()
@UseFilters(PagesErrorFilter)
@Controller('events')
export class EventsPagesController {
  constructor(
    private readonly queries: QueryBus,
    private readonly renderer: PageRenderer,
  ) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    let form: Record<string, string> = {};
    try {
      const parsed = parseFilter(raw);
      form = parsed.form;
      const page = await this.queries.execute<ListEventsQuery, EventPage>(new ListEventsQuery(parsed.filter));
      const query = new URLSearchParams(form).toString();
      return sendHtml(
        reply,
        200,
        this.renderer.render('events', {
          title: 'Event log',
          nav: 'events',
          principal,
          filter: form,
          events: page.items,
          query: query ? `?${query}` : '',
          next: pagerLink('/events', raw, page.next),
        }),
      );
    } catch (error) {
      const failure = formFailure(error);
      const fieldNames = Object.keys(failure.errors).join(', ');
      const formError = failure.formError ?? { code: 'VALIDATION_FAILED', message: `Check the filter: ${fieldNames}` };
      for (const key of FILTER_KEYS) if (raw[key]) form[key] = String(raw[key]);
      return sendHtml(reply, failure.status, this.renderer.render('events', { title: 'Event log', nav: 'events', principal, filter: form, events: [], query: '', formError }));
    }
  }

  @Get('verify')
  async verify(@CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply) {
    const result = await this.queries.execute<VerifyEventsQuery, VerifyResult>(new VerifyEventsQuery());
    return sendHtml(reply, 200, this.renderer.render('verify', { title: 'Verify the hash chain', nav: 'events', principal, result }));
  }

  @Get('export.jsonl')
  async exportJsonLines(@Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    const lines: string[] = [];
    await this.each(raw, (e) => lines.push(JSON.stringify(e)));
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="pressluft-events.jsonl"')
      .send(lines.length ? lines.join('\n') + '\n' : '');
  }

  @Get('export.csv')
  async exportCsv(@Query() raw: Record<string, string>, @Res() reply: FastifyReply) {
    const lines: string[] = [CSV_COLUMNS.join(',')];
    await this.each(raw, (e) => lines.push(csvRow(e)));
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="pressluft-events.csv"').send(lines.join('\r\n') + '\r\n');
  }

  private async each(raw: Record<string, string>, fn: (e: RecordedEvent) => void): Promise<void> {
    const { filter } = parseFilter({ ...raw, after: '', limit: '' });
    let after = 0;
    let count = 0;
    for (;;) {
      const page = await this.queries.execute<ListEventsQuery, EventPage>(new ListEventsQuery({ ...filter, after, limit: 1000 }));
      for (const e of page.items) if (count++ < EXPORT_MAX) fn(e);
      if (page.next === null || count >= EXPORT_MAX) return;
      after = page.next;
    }
  }

  @Get(':position')
  async detail(@CurrentPrincipal() principal: Principal, @Param('position') rawPosition: string, @Res() reply: FastifyReply) {
    if (!/^\d{1,15}$/.test(rawPosition) || Number(rawPosition) < 1) throw new DomainError('VALIDATION_FAILED', 'position must be a positive integer', { field: 'position' });
    const view = await this.queries.execute<GetEventDetailQuery, EventDetailView>(new GetEventDetailQuery(Number(rawPosition)));
    return sendHtml(
      reply,
      200,
      this.renderer.render('event', {
        title: `Event ${view.event.globalPosition}: ${view.event.type}`,
        nav: 'events',
        principal,
        ...view,
        causeList: view.cause ? [view.cause] : [],
      }),
    );
  }
}
