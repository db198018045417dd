import type { Command } from 'commander';
import { CreateApiTokenCommand } from '../../../application/auth/create-api-token/create-api-token.command';
import type { CreateApiTokenResult } from '../../../application/auth/create-api-token/create-api-token.handler';
import { CreateUserCommand } from '../../../application/auth/create-user/create-user.command';
import type { CreateUserResult } from '../../../application/auth/create-user/create-user.handler';
import type { RebuildReport } from '../../../application/ports/projection-rebuilder.port';
import { RebuildProjectionsCommand } from '../../../application/projections/rebuild-projections/rebuild-projections.command';
import type { ControlPlaneKeyView } from '../../../application/ssh/get-control-plane-key/get-control-plane-key.handler';
import { GetControlPlaneKeyQuery } from '../../../application/ssh/get-control-plane-key/get-control-plane-key.query';
import { BackupDatabaseCommand } from '../../../application/system/backup-database/backup-database.command';
import type { DatabaseBackupReport } from '../../../application/ports/database-backup.port';
import { CliError } from '../cli-error';
import { LOCAL_HELP_GROUP, localAction, readStdin } from '../command-kit';

/** The commands that work on the data directory of this machine (the server's own maintenance). */
export function registerMaintenanceCommands(program: Command): void {
  program
    .command('serve')
    .helpGroup(LOCAL_HELP_GROUP)
    .description('start the control plane (HTTP API, admin pages, job worker); refuses to start on a broken hash chain')
    .option('--allow-broken-chain', 'start even though the event log\'s hash chain is broken (the break is logged)')
    .action(async (opts: { allowBrokenChain?: boolean }) => {
      await (await import('../cli-context')).serve({ allowBrokenChain: opts.allowBrokenChain === true });
    });

  program
    .command('db')
    .helpGroup(LOCAL_HELP_GROUP)
    .description('the database')
    .command('backup')
    .description('a consistent copy of the database while the service runs (SQLite online backup); never overwrites; see docs/control-plane-backup.md')
    .argument('<file>', 'where the copy goes (must not exist)')
    .action(
      localAction(async ({ app, out, args }) => {
        const report = await app((ctx) => ctx.commands.execute<BackupDatabaseCommand, DatabaseBackupReport>(new BackupDatabaseCommand(args[0])));
        out.document(report);
      }),
    );

  program
    .command('admin')
    .helpGroup(LOCAL_HELP_GROUP)
    .description('admins of the admin pages')
    .command('create')
    .description('create an admin; the password is read from stdin (at least 12 characters)')
    .requiredOption('--email <email>', 'the admin\'s e-mail address (the login name)')
    .action(
      localAction(async ({ app, out, opts, meta }) => {
        if (process.stdin.isTTY) process.stderr.write('password: ');
        const password = (await readStdin()).replace(/\r?\n$/, '');
        const result = await app((ctx) => ctx.commands.execute<CreateUserCommand, CreateUserResult>(new CreateUserCommand(opts.email as string, password, meta())));
        out.document({ userId: result.userId, email: result.email });
      }),
    );

  program
    .command('token')
    .helpGroup(LOCAL_HELP_GROUP)
    .description('API tokens (also on the tokens page and POST /api/v1/tokens)')
    .command('create')
    .description('create an API token and print it once (stdout); only its hash is stored')
    .requiredOption('--name <name>', 'what the token is for, e.g. ci or laptop')
    .requiredOption('--scope <scope>', 'read (GET only) or write')
    .option('--expires-in-days <days>', 'the token stops working after this many days (default: never)')
    .action(
      localAction(async ({ app, out, opts, meta }) => {
        const scope = opts.scope;
        if (scope !== 'read' && scope !== 'write') throw new CliError('token create needs --scope read or --scope write', 2);
        const rawDays = opts.expiresInDays as string | undefined;
        const days = rawDays === undefined ? undefined : Number(rawDays);
        if (days !== undefined && !(Number.isInteger(days) && days >= 1)) throw new CliError('--expires-in-days must be a whole number of days, at least 1', 2);
        const result = await app((ctx) =>
          ctx.commands.execute<CreateApiTokenCommand, CreateApiTokenResult>(new CreateApiTokenCommand(opts.name as string, scope, meta(), days)),
        );
        const expiry = result.token.expiresAt ? `, expires ${result.token.expiresAt}` : '';
        out.info(`token ${result.token.id} (${result.token.name}, ${result.token.scope}${expiry}) created; it is shown only this once`);
        if (result.secret === null) throw new CliError(`token ${result.token.id} was created by an earlier run of this command; its secret is not kept`);
        out.line(result.secret);
      }),
    );

  program
    .command('ssh-key')
    .helpGroup(LOCAL_HELP_GROUP)
    .description("print the control plane's SSH public key (for a node's authorized_keys; remotely: GET /api/v1/ssh/public-key)")
    .action(
      localAction(async ({ app, out }) => {
        const key = await app((ctx) => ctx.queries.execute<GetControlPlaneKeyQuery, ControlPlaneKeyView>(new GetControlPlaneKeyQuery()));
        out.line(key.publicKey);
        out.info(`fingerprint ${key.fingerprint}`);
      }),
    );

  program
    .command('projections')
    .helpGroup(LOCAL_HELP_GROUP)
    .description('the read-model tables')
    .command('rebuild')
    .description('replay the event log into the read-model tables (byte-identical to the live ones)')
    .action(
      localAction(async ({ app, out }) => {
        const report = await app((ctx) => ctx.commands.execute<RebuildProjectionsCommand, RebuildReport>(new RebuildProjectionsCommand()));
        out.document(report);
      }),
    );
}
