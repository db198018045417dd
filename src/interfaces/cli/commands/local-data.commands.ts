import type { Command } from 'commander';
import type { Page } from '../../../application/common/page';
import type { EventPage } from '../../../application/events/list-events/list-events.handler';
import { ListEventsQuery } from '../../../application/events/list-events/list-events.query';
import { GetNodeQuery } from '../../../application/nodes/get-node/get-node.query';
import { ListNodesQuery } from '../../../application/nodes/list-nodes/list-nodes.query';
import type { NodeView } from '../../../application/nodes/node.view';
import { RegisterNodeCommand } from '../../../application/nodes/register-node/register-node.command';
import type { RegisterNodeResult } from '../../../application/nodes/register-node/register-node.handler';
import { CliError } from '../cli-error';
import { LOCAL_HELP_GROUP, localAction } from '../command-kit';

/**
 * `pressluft local …`: node and event commands straight on the data directory, for install.sh (it
 * registers the host as a node before anyone has a token) and for recovery while the server is down.
 * Everyday use goes through the API commands (`pressluft node …`, `pressluft events …`).
 */
export function registerLocalDataCommands(program: Command): void {
  const local = program
    .command('local')
    .helpGroup(LOCAL_HELP_GROUP)
    .description('node and event commands on the data directory, without the server (install.sh, recovery); JSON lines');

  const node = local.command('node').description('nodes, read and registered on the data directory');
  node
    .command('add')
    .description('register a node and queue its bootstrap; prints {node, job} as JSON')
    .requiredOption('--name <name>', 'a short name, unique among the nodes')
    .requiredOption('--host <host>', 'IP address or DNS name')
    .option('--port <port>', 'SSH port (default 22)')
    .option('--user <user>', 'SSH user for the first login (default root)')
    .option('--host-key-fingerprint <fp>', 'expected SHA256:… fingerprint')
    .action(
      localAction(async ({ app, out, opts, meta }) => {
        const port = opts.port === undefined ? undefined : Number(opts.port);
        if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new CliError('--port must be 1..65535', 2);
        const given = { name: opts.name, host: opts.host, port, user: opts.user, hostKeyFingerprint: opts.hostKeyFingerprint };
        const input = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as { name: string; host: string };
        const result = await app(async (ctx) => {
          const registered = await ctx.commands.execute<RegisterNodeCommand, RegisterNodeResult>(new RegisterNodeCommand(input, meta()));
          const view = await ctx.queries.execute<GetNodeQuery, NodeView>(new GetNodeQuery(registered.nodeId));
          const job = registered.jobs[0];
          return { node: view, job: job ? { id: job.id, kind: job.kind } : null };
        });
        out.line(JSON.stringify(result));
      }),
    );
  node
    .command('list')
    .description('every node as a JSON line')
    .option('--status <status>', 'only nodes with this status')
    .action(
      localAction(async ({ app, out, opts }) => {
        await app(async (ctx) => {
          let cursor: string | undefined;
          do {
            const page = await ctx.queries.execute<ListNodesQuery, Page<NodeView>>(new ListNodesQuery(200, cursor, opts.status as string | undefined));
            page.items.forEach((n) => out.line(JSON.stringify(n)));
            cursor = page.next ?? undefined;
          } while (cursor);
        });
      }),
    );

  local
    .command('events')
    .description('the event log on the data directory')
    .command('export')
    .description('every (matching) event as a JSON line')
    .option('--stream <stream>', 'one stream')
    .option('--type <type>', 'one event type')
    .option('--actor <actor>', 'one actor')
    .option('--correlation-id <id>', 'one correlation id')
    .action(
      localAction(async ({ app, out, opts }) => {
        const filter = { streamId: opts.stream as string, type: opts.type as string, actor: opts.actor as string, correlationId: opts.correlationId as string };
        await app(async (ctx) => {
          for (let after = 0; ; ) {
            const page = await ctx.queries.execute<ListEventsQuery, EventPage>(new ListEventsQuery({ ...filter, after, limit: 1000 }));
            page.items.forEach((e) => out.line(JSON.stringify(e)));
            if (page.next === null || page.items.length === 0) return;
            after = page.items[page.items.length - 1].globalPosition;
          }
        });
      }),
    );
}
