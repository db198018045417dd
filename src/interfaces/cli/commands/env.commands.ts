import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { API_HELP_GROUP, apiAction, idArg } from '../command-kit';
import { JobRef, reportJob } from './job.commands';
import { envPath } from './site.commands';

const ENV_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/** `env clone|delete`: environments made from another one of the site, and removed on their own (docs/operations.md, "Staging clones"). */
export function registerEnvCommands(program: Command): void {
  const env = program.command('env').helpGroup(API_HELP_GROUP).description("a site's environments: clone one (e.g. production to staging), delete a non-production one");

  env
    .command('clone')
    .argument('<site-id>')
    .description("a new environment copied from another one on its node (release, database with URLs rewritten, uploads), with its own user, pool, database and vhost; records the source's drift baseline")
    .requiredOption('--name <env>', 'the new environment, e.g. staging')
    .requiredOption('--domain <domain>', "the new environment's domain")
    .option('--from <env>', 'the environment to copy', 'production')
    .option('--node <node-id>', "the source's node (another node is refused: cloning across nodes is not supported yet)")
    .option('--wait', 'follow the job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        for (const [flag, value] of [['--name', opts.name], ['--from', opts.from]] as const) {
          if (!ENV_NAME.test(String(value))) throw new CliError(`${flag} must be an environment name: a-z, 0-9 and -, up to 20 characters, starting with a letter`, 2);
        }
        const body = { name: opts.name, sourceEnvironment: opts.from, domain: opts.domain, ...(opts.node ? { nodeId: opts.node } : {}) };
        const result = await api.post<{ cloneId: string | null; environment: string | null; job: JobRef }>(`/api/v1/sites/${idArg(args[0], 'env clone')}/environments`, body);
        if (out.json && !opts.wait) return out.document(result);
        out.info(`environment ${result.environment ?? String(opts.name)} (clone ${result.cloneId ?? '(repeated request)'})`);
        await reportJob(ctx, result.job, 'clone');
      }),
    );

  env
    .command('delete')
    .argument('<site-id>')
    .argument('<env>')
    .description('remove a non-production environment from its node (user, pool, database, files, vhost); production goes only with its site')
    .option('--wait', 'follow the job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        const result = await api.delete<{ job: JobRef }>(envPath(idArg(args[0], 'env delete'), String(args[1])));
        if (out.json && !opts.wait) return out.document(result);
        await reportJob(ctx, result.job, 'environment deletion');
      }),
    );
}
