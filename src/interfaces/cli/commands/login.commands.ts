import type { Command } from 'commander';
import { ApiClient } from '../api-client';
import { configFile, normalizeUrl, readConfigFile, removeConfigFile, resolveConfig, writeConfigFile } from '../cli-config';
import { CliError } from '../cli-error';
import { API_HELP_GROUP, ActionContext, readSecret } from '../command-kit';
import { Output } from '../output';

/** What GET /api/v1/whoami answers. */
export interface WhoAmI {
  actor: string;
  kind: 'user' | 'token';
  scope: 'read' | 'write';
  tokenName: string | null;
  email: string | null;
}

const describe = (me: WhoAmI) => (me.kind === 'token' ? `token ${me.tokenName ?? me.actor} (${me.scope})` : `${me.email ?? me.actor}`);

export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .helpGroup(API_HELP_GROUP)
    .description('store the server URL and an API token (made on the tokens page) for the API commands; the token is read from stdin')
    .requiredOption('--url <url>', 'the server, e.g. https://pressluft.example.com or http://127.0.0.1:8080')
    .action(async (opts: { url: string }, command: Command) => {
      const out = new Output(command.optsWithGlobals().json === true);
      const url = normalizeUrl(opts.url);
      const token = await readSecret(`API token for ${url} (create one on ${url}/tokens): `);
      if (!token) throw new CliError('no token given (on stdin)', 2);
      // Checked before it is stored: a wrong URL or a revoked token never becomes the saved login.
      const me = await new ApiClient({ url, token }).get<WhoAmI>('/api/v1/whoami');
      const file = configFile();
      writeConfigFile({ url, token }, file);
      out.info(`logged in to ${url} as ${describe(me)}; saved in ${file}`);
      if (out.json) out.document({ url, actor: me.actor, scope: me.scope, configFile: file });
    });

  program
    .command('logout')
    .helpGroup(API_HELP_GROUP)
    .description('forget the stored login (the token stays valid until revoked on the tokens page)')
    .action(() => {
      const file = configFile();
      process.stderr.write(removeConfigFile(file) ? `removed ${file}\n` : `not logged in (${file} does not exist)\n`);
    });

  program
    .command('whoami')
    .helpGroup(API_HELP_GROUP)
    .description('the server and the identity the API commands use')
    .action(async (_opts: unknown, command: Command) => {
      const ctx: ActionContext = { args: [], opts: command.optsWithGlobals(), out: new Output(command.optsWithGlobals().json === true) };
      const config = resolveConfig();
      const me = await new ApiClient(config).get<WhoAmI>('/api/v1/whoami');
      const source = process.env.PRESSLUFT_TOKEN ? 'PRESSLUFT_TOKEN' : readConfigFile().token ? configFile() : 'environment';
      ctx.out.item({ url: config.url, ...me, from: source }, [
        { header: 'url', value: (r) => r.url },
        { header: 'actor', value: (r) => r.actor },
        { header: 'as', value: () => describe(me) },
        { header: 'scope', value: (r) => r.scope },
        { header: 'from', value: (r) => r.from },
      ]);
    });
}
