import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { BackupRepositoryView } from '../../../application/nodes/backup-repository/backup-repository.view';
import { CliError } from '../cli-error';
import { apiAction, idArg, readSecret } from '../command-kit';
import type { Column } from '../output';
import { JobRef, reportJob } from './job.commands';

const REPOSITORY_FIELDS: Column<BackupRepositoryView>[] = [
  { header: 'node', value: (r) => r.nodeId },
  { header: 'url', value: (r) => r.url },
  { header: 'kind', value: (r) => r.kind },
  { header: 'sftp key', value: (r) => (r.kind === 'sftp' ? (r.sftpKey ? 'stored' : 'none') : null) },
  { header: 'status', value: (r) => r.status },
  { header: 'check pending', value: (r) => r.checkPending },
  { header: 'last checked', value: (r) => r.lastCheckedAt },
  { header: 'last error', value: (r) => (r.lastError ? `${r.lastError.code}: ${r.lastError.message}` : null) },
  { header: 'set', value: (r) => r.setAt },
];

const repositoryPath = (nodeId: string) => `/api/v1/nodes/${nodeId}/backup-repository`;

/** `node backup-repository set|show|remove|check` (docs/backups.md, "restic"). */
export function registerBackupRepositoryCommands(node: Command): void {
  const repository = node.command('backup-repository').description("the node's restic repository: every backup of its sites is sent there too");

  repository
    .command('set')
    .argument('<node-id>')
    .description('set or replace it; the password is read from stdin (or asked for without echo), never from an argument')
    .requiredOption('--url <url>', 'an absolute path on the node, sftp:user@host:/path or sftp://user@host:port//path')
    .option('--sftp-key-file <file>', 'sftp: the private key the node logs in with (read here, sealed by the control plane)')
    .option('--wait', 'follow the check job (open or initialize, restic check) to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        let sftpKey: string | undefined;
        if (opts.sftpKeyFile) {
          try {
            sftpKey = readFileSync(String(opts.sftpKeyFile), 'utf8');
          } catch (err) {
            throw new CliError(`cannot read --sftp-key-file: ${(err as Error).message}`, 2);
          }
        }
        const password = await readSecret('repository password: ');
        const result = await api.put<{ version: number; repository: BackupRepositoryView; job: JobRef }>(repositoryPath(idArg(args[0], 'node backup-repository set')), {
          url: String(opts.url),
          password,
          ...(sftpKey === undefined ? {} : { sftpKey }),
        });
        if (out.json && !opts.wait) return out.document(result);
        out.item(result.repository, REPOSITORY_FIELDS);
        await reportJob(ctx, result.job, 'repository check');
      }),
    );

  repository
    .command('show')
    .argument('<node-id>')
    .description('its url and the result of the last restic check (never the password or key)')
    .action(apiAction(async ({ api, out, args }) => out.item(await api.get<BackupRepositoryView>(repositoryPath(idArg(args[0], 'node backup-repository show'))), REPOSITORY_FIELDS)));

  repository
    .command('remove')
    .argument('<node-id>')
    .description("stop sending the node's backups to restic (what the repository holds stays there)")
    .action(
      apiAction(async ({ api, out, args }) => {
        const result = await api.delete<{ version: number }>(repositoryPath(idArg(args[0], 'node backup-repository remove')));
        if (out.json) return out.document(result);
        out.info('backup repository removed');
      }),
    );

  repository
    .command('check')
    .argument('<node-id>')
    .description('run restic check on it now')
    .option('--wait', 'follow the check job to its end')
    .action(
      apiAction(async (ctx) => {
        const result = await ctx.api.post<{ version: number; job: JobRef }>(`${repositoryPath(idArg(ctx.args[0], 'node backup-repository check'))}/check`);
        if (ctx.out.json && !ctx.opts.wait) return ctx.out.document(result);
        await reportJob(ctx, result.job, 'repository check');
      }),
    );
}
