import 'reflect-metadata';
// Everything this process creates (database, WAL, keys, backups, anchors) is private to the service user.
process.umask(0o077);
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { RecordedEvent, VerifyResult } from '../../application/ports/event-store.port';
import type { RebuildReport } from '../../application/ports/projection-rebuilder.port';
import { ListEventsQuery } from '../../application/events/list-events/list-events.query';
import type { EventPage } from '../../application/events/list-events/list-events.handler';
import { VerifyEventsQuery } from '../../application/events/verify-events/verify-events.query';
import { RebuildProjectionsCommand } from '../../application/projections/rebuild-projections/rebuild-projections.command';
import { CreateApiTokenCommand } from '../../application/auth/create-api-token/create-api-token.command';
import type { CreateApiTokenResult } from '../../application/auth/create-api-token/create-api-token.handler';
import { CreateUserCommand } from '../../application/auth/create-user/create-user.command';
import type { CreateUserResult } from '../../application/auth/create-user/create-user.handler';
import { GetControlPlaneKeyQuery } from '../../application/ssh/get-control-plane-key/get-control-plane-key.query';
import type { ControlPlaneKeyView } from '../../application/ssh/get-control-plane-key/get-control-plane-key.handler';
import { RegisterNodeCommand } from '../../application/nodes/register-node/register-node.command';
import type { RegisterNodeResult } from '../../application/nodes/register-node/register-node.handler';
import { GetNodeQuery } from '../../application/nodes/get-node/get-node.query';
import type { NodeView } from '../../application/nodes/node.view';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { ListNodesQuery } from '../../application/nodes/list-nodes/list-nodes.query';
import type { Page } from '../../application/common/page';
import { serve, withContext } from './cli-context';
import { CliError, parseArgs } from './parse-args';

const USAGE = `usage: pressluft <command>
  serve                          start the control plane (HTTP API + job worker)
  events tail [--limit N] [--follow]
                                 print the newest events as JSON lines
  events verify                  check the hash chain; exit 1 and name the first broken event
  events export [--stream S] [--type T] [--actor A] [--correlation-id C]
                                 print every (matching) event as JSON lines
  projections rebuild            replay the log into the read-model tables
  admin create --email E         create an admin; the password is read from stdin (at least 12 characters)
  token create --name N --scope read|write [--expires-in-days D]
                                 create an API token and print it once (stdout); only its hash is stored
  ssh-key                        print the control plane's SSH public key (for a node's authorized_keys)
  node add --name N --host H [--port P] [--user U] [--host-key-fingerprint SHA256:…]
                                 register a node (its host key is scanned and pinned) and queue its
                                 bootstrap; prints {node, job} as JSON
  node list [--status S]         every node with its status, one JSON line each
  node show ID                   one node: status, pinned host key, facts (JSON)`;

async function main(argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [group, action] = positional;
  if (group === 'serve') {
    await serve();
    return -1; // keep running
  }
  if (group === 'events' && action === 'verify') {
    const result = await withContext((ctx) => ctx.get(QueryBus).execute<VerifyEventsQuery, VerifyResult>(new VerifyEventsQuery()));
    process.stdout.write(JSON.stringify(result) + '\n');
    if (!result.ok) throw new CliError(`hash chain broken at position ${result.firstBroken?.globalPosition}: ${result.firstBroken?.reason}`);
    return 0;
  }
  if (group === 'events' && (action === 'export' || action === 'tail')) {
    await withContext(async (ctx) => {
      const queries = ctx.get(QueryBus);
      const filter = {
        streamId: flags.string('stream'),
        type: flags.string('type'),
        actor: flags.string('actor'),
        correlationId: flags.string('correlation-id'),
      };
      const print = (events: readonly RecordedEvent[]) => events.forEach((e) => process.stdout.write(JSON.stringify(e) + '\n'));
      let after = action === 'tail' ? await newestPosition(queries, filter, flags.int('limit', 20)) : 0;
      for (;;) {
        const page = await queries.execute<ListEventsQuery, EventPage>(new ListEventsQuery({ ...filter, after, limit: 1000 }));
        print(page.items);
        if (page.items.length > 0) after = page.items[page.items.length - 1].globalPosition;
        if (page.next !== null) continue;
        if (action === 'tail' && flags.bool('follow')) await new Promise((r) => setTimeout(r, 500));
        else break;
      }
    });
    return 0;
  }
  if (group === 'projections' && action === 'rebuild') {
    const report = await withContext((ctx) => ctx.get(CommandBus).execute<RebuildProjectionsCommand, RebuildReport>(new RebuildProjectionsCommand()));
    process.stdout.write(JSON.stringify(report) + '\n');
    return 0;
  }
  if (group === 'admin' && action === 'create') {
    const email = flags.string('email');
    if (!email) throw new CliError('admin create needs --email');
    const password = (await readStdin()).replace(/\r?\n$/, '');
    const result = await withContext((ctx) =>
      ctx.get(CommandBus).execute<CreateUserCommand, CreateUserResult>(new CreateUserCommand(email, password, cliMeta())),
    );
    process.stdout.write(JSON.stringify({ userId: result.userId, email: result.email }) + '\n');
    return 0;
  }
  if (group === 'token' && action === 'create') {
    const name = flags.string('name');
    const scope = flags.string('scope');
    if (!name) throw new CliError('token create needs --name');
    if (scope !== 'read' && scope !== 'write') throw new CliError('token create needs --scope read or --scope write');
    const days = flags.string('expires-in-days') === undefined ? undefined : flags.int('expires-in-days', 1);
    const result = await withContext((ctx) =>
      ctx.get(CommandBus).execute<CreateApiTokenCommand, CreateApiTokenResult>(new CreateApiTokenCommand(name, scope, cliMeta(), days)),
    );
    const expiry = result.token.expiresAt ? `, expires ${result.token.expiresAt}` : '';
    process.stderr.write(`token ${result.token.id} (${result.token.name}, ${result.token.scope}${expiry}) created; it is shown only this once\n`);
    process.stdout.write(`${result.secret}\n`);
    return 0;
  }
  if (group === 'ssh-key' && action === undefined) {
    const key = await withContext((ctx) => ctx.get(QueryBus).execute<GetControlPlaneKeyQuery, ControlPlaneKeyView>(new GetControlPlaneKeyQuery()));
    process.stdout.write(`${key.publicKey}\n`);
    process.stderr.write(`fingerprint ${key.fingerprint}\n`);
    return 0;
  }
  if (group === 'node' && action === 'add') {
    const name = flags.string('name');
    const host = flags.string('host');
    if (!name || !host) throw new CliError('node add needs --name and --host');
    const portFlag = flags.string('port');
    const port = portFlag === undefined ? undefined : Number(portFlag);
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new CliError('--port must be 1..65535');
    const input = { name, host, port, user: flags.string('user'), hostKeyFingerprint: flags.string('host-key-fingerprint') };
    const out = await withContext(async (ctx) => {
      const result = await ctx.get(CommandBus).execute<RegisterNodeCommand, RegisterNodeResult>(
        new RegisterNodeCommand(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as typeof input, cliMeta()),
      );
      const node = await ctx.get(QueryBus).execute<GetNodeQuery, NodeView>(new GetNodeQuery(result.nodeId));
      const job = result.jobs[0];
      return { node, job: job ? { id: job.id, kind: job.kind } : null };
    });
    process.stdout.write(JSON.stringify(out) + '\n');
    return 0;
  }
  if (group === 'node' && action === 'list') {
    const status = flags.string('status');
    await withContext(async (ctx) => {
      let cursor: string | undefined;
      do {
        const page = await ctx.get(QueryBus).execute<ListNodesQuery, Page<NodeView>>(new ListNodesQuery(200, cursor, status));
        page.items.forEach((node) => process.stdout.write(JSON.stringify(node) + '\n'));
        cursor = page.next ?? undefined;
      } while (cursor);
    });
    return 0;
  }
  if (group === 'node' && action === 'show') {
    const id = positional[2];
    if (!id || !/^[0-9a-z]{1,64}$/.test(id)) throw new CliError('node show needs a node id', 2);
    const node = await withContext((ctx) => ctx.get(QueryBus).execute<GetNodeQuery, NodeView>(new GetNodeQuery(id)));
    process.stdout.write(JSON.stringify(node, null, 2) + '\n');
    return 0;
  }
  throw new CliError(group ? `unknown command: ${positional.join(' ')}\n${USAGE}` : USAGE);
}

/** CLI commands are recorded as the OS user who ran them. */
function cliMeta() {
  return { actor: `cli:${userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_') || 'unknown'}`, commandId: randomUUID(), correlationId: randomUUID() };
}

/** All of stdin (the password of `admin create`; never a process argument). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The position after which the newest `limit` events of the filter start. */
async function newestPosition(queries: QueryBus, filter: object, limit: number): Promise<number> {
  const positions: number[] = [];
  let after = 0;
  for (;;) {
    const page = await queries.execute<ListEventsQuery, EventPage>(new ListEventsQuery({ ...filter, after, limit: 1000 }));
    positions.push(...page.items.map((e) => e.globalPosition));
    if (positions.length > limit) positions.splice(0, positions.length - limit);
    if (page.next === null) break;
    after = page.next;
  }
  return positions.length === 0 ? 0 : positions[0] - 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`pressluft: ${message.split('\n')[0]}\n${error instanceof CliError ? message.split('\n').slice(1).join('\n') : ''}`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  },
);
