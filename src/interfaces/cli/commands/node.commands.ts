import type { Command } from 'commander';
import type { NodeView } from '../../../application/nodes/node.view';
import { CliError } from '../cli-error';
import { API_HELP_GROUP, apiAction, ApiActionContext, idArg } from '../command-kit';
import type { Column } from '../output';
import { registerBackupRepositoryCommands } from './backup-repository.commands';
import { JobRef, reportJob } from './job.commands';

export const NODE_COLUMNS: Column<NodeView>[] = [
  { header: 'id', value: (n) => n.id },
  { header: 'name', value: (n) => n.name },
  { header: 'host', value: (n) => `${n.user}@${n.host}:${n.port}` },
  { header: 'status', value: (n) => n.status },
  { header: 'os', value: (n) => [n.facts.distribution, n.facts.distribution_version].filter(Boolean).join(' ') },
  { header: 'updated', value: (n) => n.updatedAt },
];

const NODE_FIELDS: Column<NodeView>[] = [
  ...NODE_COLUMNS,
  { header: 'host key', value: (n) => n.hostKeyFingerprint },
  { header: 'version', value: (n) => n.version },
  { header: 'created', value: (n) => n.createdAt },
  { header: 'facts', value: (n) => n.facts },
];

export function registerNodeCommands(program: Command): void {
  const node = program.command('node').helpGroup(API_HELP_GROUP).description('nodes: the servers sites run on');

  node
    .command('list')
    .description('every node with its status')
    .option('--status <status>', 'pending | bootstrapping | ready | unreachable | failed | decommissioned')
    .action(apiAction(async ({ api, out, opts }) => out.list(await api.all<NodeView>('/api/v1/nodes', { status: opts.status as string }), NODE_COLUMNS)));

  node
    .command('show')
    .argument('<id>')
    .description('one node: status, pinned host key, facts from its bootstrap')
    .action(apiAction(async ({ api, out, args }) => out.item(await api.get<NodeView>(`/api/v1/nodes/${idArg(args[0], 'node show')}`), NODE_FIELDS)));

  node
    .command('add')
    .description("register a node (its host key is scanned and pinned) and queue its bootstrap; put `pressluft ssh-key`'s key into its authorized_keys first")
    .requiredOption('--name <name>', 'a short name, unique among the nodes')
    .requiredOption('--host <host>', 'IP address or DNS name the control plane reaches over SSH')
    .option('--port <port>', 'SSH port (default 22)')
    .option('--user <user>', 'the SSH user for the first login (default root)')
    .option('--host-key-fingerprint <fp>', 'expected SHA256:… fingerprint; registration fails if the node presents another')
    .option('--wait', 'follow the bootstrap job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts } = ctx;
        const port = opts.port === undefined ? undefined : Number(opts.port);
        if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new CliError('--port must be 1..65535', 2);
        const body = { name: opts.name, host: opts.host, port, user: opts.user, hostKeyFingerprint: opts.hostKeyFingerprint };
        const result = await api.post<{ node: Pick<NodeView, 'id' | 'name' | 'status' | 'hostKeyFingerprint'>; job: JobRef }>('/api/v1/nodes', body);
        if (out.json && !opts.wait) return out.document(result);
        out.info(`node ${result.node.name} registered as ${result.node.id}, host key ${result.node.hostKeyFingerprint} pinned`);
        if (!out.json) out.line(result.node.id);
        await reportJob(ctx, result.job, 'bootstrap');
      }),
    );

  for (const [name, path, description] of [
    ['bootstrap', 'bootstrap', 'run the bootstrap playbook again (packages, management user, firewall); idempotent'],
    ['health-check', 'health-check', 'check the node over SSH now'],
  ] as const) {
    node
      .command(name)
      .argument('<id>')
      .description(description)
      .option('--wait', 'follow the job to its end')
      .action(
        apiAction(async (ctx) => {
          const result = await ctx.api.post<{ job: JobRef }>(`/api/v1/nodes/${idArg(ctx.args[0], `node ${name}`)}/${path}`);
          if (ctx.out.json && !ctx.opts.wait) return ctx.out.document(result);
          await reportJob(ctx, result.job, name);
        }),
      );
  }

  node
    .command('repin-host-key')
    .argument('<id>')
    .description('accept the host key the node presents now (after a reinstall), or the one given')
    .option('--fingerprint <fp>', 'the SHA256:… fingerprint to pin (checked out of band)')
    .action(
      apiAction(async ({ api, out, args, opts }) => {
        const result = await api.post<{ node: NodeView; previousFingerprint: string | null }>(`/api/v1/nodes/${idArg(args[0], 'node repin-host-key')}/host-key`, {
          ...(opts.fingerprint ? { fingerprint: opts.fingerprint } : {}),
        });
        if (out.json) return out.document(result);
        out.info(`host key of ${result.node.name}: ${result.previousFingerprint ?? '(none)'} -> ${result.node.hostKeyFingerprint}`);
      }),
    );

  registerBackupRepositoryCommands(node);
}
