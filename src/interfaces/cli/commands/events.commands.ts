import type { Command } from 'commander';
import type { RecordedEvent, VerifyResult } from '../../../application/ports/event-store.port';
import { VerifyEventsQuery } from '../../../application/events/verify-events/verify-events.query';
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { API_HELP_GROUP, apiAction, intOption, LOCAL_MARK, localAction } from '../command-kit';
import type { Column, Output } from '../output';
import { readFileSync } from 'node:fs';
import { CreateAnchorCommand } from '../../../application/events/create-anchor/create-anchor.command';
import type { CreateAnchorResult } from '../../../application/events/create-anchor/create-anchor.handler';
import { VerifyAnchorQuery } from '../../../application/events/verify-anchor/verify-anchor.query';
import type { AnchorVerifyResult } from '../../../application/events/verify-anchor/verify-anchor.handler';
import type { LocalActionContext } from '../command-kit';

/** `events verify --anchor FILE`: exit 1 with the reason when the log does not extend the anchor. */
async function verifyAnchor(file: string, app: LocalActionContext['app'], out: Output): Promise<void> {
  let anchor: unknown;
  try {
    anchor = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the anchor ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = await app((ctx) => ctx.queries.execute<VerifyAnchorQuery, AnchorVerifyResult>(new VerifyAnchorQuery(anchor)));
  out.document(result);
  if (result.anchorBroken) throw new CliError(`the log does not extend the anchor: ${result.anchorBroken}`);
  if (!result.ok) throw new CliError(`hash chain broken at position ${result.firstBroken?.globalPosition}: ${result.firstBroken?.reason}`);
}

interface EventPage {
  items: RecordedEvent[];
  next: number | null;
}

export const EVENT_COLUMNS: Column<RecordedEvent>[] = [
  { header: 'position', value: (e) => e.globalPosition },
  { header: 'recorded', value: (e) => e.recordedAt },
  { header: 'stream', value: (e) => `${e.streamId}@${e.streamVersion}` },
  { header: 'type', value: (e) => e.type },
  { header: 'actor', value: (e) => e.metadata.actor },
];

type Filter = Record<string, string | undefined>;

function filterOf(opts: Record<string, unknown>): Filter {
  return {
    stream: opts.stream as string,
    type: opts.type as string,
    actor: opts.actor as string,
    correlationId: opts.correlationId as string,
    from: opts.from as string,
    to: opts.to as string,
  };
}

function withFilterOptions(command: Command): Command {
  return command
    .option('--stream <stream>', 'one stream, e.g. node-<id> or site-<id>')
    .option('--type <type>', 'one event type, e.g. SiteCreated')
    .option('--actor <actor>', 'who did it, e.g. user:<id>, token:<id>, system')
    .option('--correlation-id <id>', 'everything one request caused')
    .option('--from <time>', 'recorded at or after (ISO 8601)')
    .option('--to <time>', 'recorded before (ISO 8601)');
}

/** Every matching event after `after`, page by page (the API's `next` is a global position). */
async function* eventsAfter(api: ApiClient, filter: Filter, after: number): AsyncGenerator<RecordedEvent> {
  for (;;) {
    const page = await api.get<EventPage>('/api/v1/events', { ...filter, after, limit: 1000 });
    for (const e of page.items) yield e;
    if (page.items.length > 0) after = page.items[page.items.length - 1].globalPosition;
    if (page.next === null || page.items.length === 0) return;
  }
}

/** The position after which the newest `limit` matching events start. */
async function newestPosition(api: ApiClient, filter: Filter, limit: number): Promise<number> {
  const positions: number[] = [];
  for await (const e of eventsAfter(api, filter, 0)) {
    positions.push(e.globalPosition);
    if (positions.length > limit) positions.shift();
  }
  return positions.length === 0 ? 0 : positions[0] - 1;
}

export function registerEventsCommands(program: Command): void {
  const events = program.command('events').alias('event').helpGroup(API_HELP_GROUP).description('the event log: list, tail, export, verify');

  withFilterOptions(events.command('list').description('one page of events (oldest first) with filters; --after continues'))
    .option('--after <position>', 'events after this global position', intOption('--after'))
    .option('--limit <n>', 'at most this many (max 1000)', intOption('--limit'), 50)
    .action(
      apiAction(async ({ api, out, opts }) => {
        const page = await api.get<EventPage>('/api/v1/events', { ...filterOf(opts), after: opts.after as number, limit: opts.limit as number });
        if (out.json) return out.document(page);
        out.list(page.items, EVENT_COLUMNS);
        if (page.next !== null) out.info(`more: --after ${page.next}`);
      }),
    );

  withFilterOptions(events.command('tail').description('the newest events; --follow keeps printing new ones'))
    .option('--limit <n>', 'how many of the newest', intOption('--limit'), 20)
    .option('--follow', 'wait for new events (Ctrl-C stops)')
    .action(
      apiAction(async ({ api, out, opts }) => {
        const filter = filterOf(opts);
        let after = await newestPosition(api, filter, opts.limit as number);
        const print = (e: RecordedEvent) => (out.json ? out.line(JSON.stringify(e)) : out.line(EVENT_COLUMNS.map((c) => String(c.value(e))).join('  ')));
        for (;;) {
          for await (const e of eventsAfter(api, filter, after)) (print(e), (after = e.globalPosition));
          if (!opts.follow) return;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }),
    );

  withFilterOptions(events.command('export').description('every matching event as JSON lines (one event per line, for files and pipes)')).action(
    apiAction(async ({ api, out, opts }) => {
      for await (const e of eventsAfter(api, filterOf(opts), 0)) out.line(JSON.stringify(e));
    }),
  );

  events
    .command('anchor')
    .description(`${LOCAL_MARK} verify the chain, sign its head (position, hash, time) with the anchor key and print the anchor (JSON); also written to PRESSLUFT_ANCHOR_OFFSITE_DIR`)
    .action(
      localAction(async ({ app, out }) => {
        const result = await app((ctx) => ctx.commands.execute<CreateAnchorCommand, CreateAnchorResult>(new CreateAnchorCommand()));
        out.document(result.anchor);
        for (const file of result.files) out.info(`anchor written to ${file}`);
      }),
    );

  events
    .command('verify')
    .description(`${LOCAL_MARK} check the hash chain on the data directory; exit 1 and name the first broken event (the API's GET /api/v1/events/verify does the same remotely)`)
    .option('--anchor <file>', 'also prove the log still extends this signed anchor (no cut tail, no rewritten log)')
    .action(
      localAction(async ({ app, out, opts }) => {
        if (typeof opts.anchor === 'string') return verifyAnchor(opts.anchor, app, out);
        const result = await app((ctx) => ctx.queries.execute<VerifyEventsQuery, VerifyResult>(new VerifyEventsQuery()));
        out.item(result, [
          { header: 'ok', value: (r) => r.ok },
          { header: 'checked', value: (r) => r.checked },
          { header: 'first broken', value: (r) => r.firstBroken?.globalPosition },
        ]);
        if (!result.ok) throw new CliError(`hash chain broken at position ${result.firstBroken?.globalPosition}: ${result.firstBroken?.reason}`);
      }),
    );
}
