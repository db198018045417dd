import type { Command } from 'commander';
import type { BackupView } from '../../../application/sites/backup.view';
import { CliError } from '../cli-error';
import { API_HELP_GROUP, apiAction, idArg } from '../command-kit';
import type { Column } from '../output';
import { registerBackupScheduleCommands } from './backup-schedule.commands';
import { JobRef, reportJob } from './job.commands';
import { envPath } from './site.commands';

const BACKUP_COLUMNS: Column<BackupView>[] = [
  { header: 'id', value: (b) => b.id },
  { header: 'state', value: (b) => b.state },
  { header: 'scope', value: (b) => b.scope },
  { header: 'purpose', value: (b) => b.purpose },
  { header: 'size', value: (b) => b.size },
  { header: 'parts', value: (b) => b.parts.map((p) => p.name).join(' ') },
  { header: 'where', value: (b) => b.locations.map((l) => (l.kind === 'restic' ? `restic:${l.url}#${l.snapshotId.slice(0, 8)}` : `${l.kind}:${l.path}`)).join(' ') },
  { header: 'release', value: (b) => b.releaseId },
  { header: 'created', value: (b) => b.createdAt },
  { header: 'error', value: (b) => (b.error ? `${b.error.code}: ${b.error.message}` : null) },
];

const SCOPES = ['db', 'files', 'full'];

/** `backup create|list|retry` and `restore` (docs/backups.md). */
export function registerBackupCommands(program: Command): void {
  const backup = program.command('backup').helpGroup(API_HELP_GROUP).description("site backups: take one now, list them, retry a failed one (restore with: pressluft restore)");

  backup
    .command('create')
    .argument('<site-id>')
    .description('back an environment up now: db (the database), files (shared/ and the current release) or full')
    .option('--env <env>', 'environment', 'production')
    .option('--scope <scope>', 'db | files | full', 'full')
    .option('--wait', 'follow the backup job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        const scope = String(opts.scope);
        if (!SCOPES.includes(scope)) throw new CliError('--scope must be db, files or full', 2);
        const result = await api.post<{ backupId: string | null; job: JobRef }>(`${envPath(idArg(args[0], 'backup create'), String(opts.env))}/backups`, { scope });
        if (out.json && !opts.wait) return out.document(result);
        out.info(`backup ${result.backupId ?? '(repeated request)'}`);
        await reportJob(ctx, result.job, 'backup');
      }),
    );

  backup
    .command('list')
    .argument('<site-id>')
    .option('--env <env>', 'environment', 'production')
    .description("the environment's backups, newest first: state, scope, size, parts, where each copy lives")
    .action(
      apiAction(async ({ api, out, opts, args }) => {
        const path = `${envPath(idArg(args[0], 'backup list'), String(opts.env))}/backups`;
        out.list((await api.get<{ items: BackupView[] }>(path)).items, BACKUP_COLUMNS);
      }),
    );

  registerBackupScheduleCommands(backup);
  backup
    .command('retry')
    .argument('<site-id>')
    .argument('<backup-id>')
    .option('--wait', 'follow the backup job to its end')
    .description('run a failed backup again under the same id (same environment and scope)')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        const backupId = idArg(args[1], 'backup retry');
        const result = await api.post<{ backupId: string; job: JobRef }>(`/api/v1/sites/${idArg(args[0], 'backup retry')}/backups/${backupId}/retry`);
        if (out.json && !opts.wait) return out.document(result);
        out.info(`backup ${result.backupId}`);
        await reportJob(ctx, result.job, 'backup');
      }),
    );

  program
    .command('restore')
    .helpGroup(API_HELP_GROUP)
    .argument('<site-id>')
    .argument('<backup-id>')
    .description('restore an environment from a completed backup (a pre-restore backup is taken first; every part is verified before anything is overwritten)')
    .option('--env <env>', 'environment', 'production')
    .option('--wait', 'follow the restore job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        const backupId = idArg(args[1], 'restore');
        const result = await api.post<{ restoreId: string | null; preRestoreBackupId: string | null; job: JobRef }>(
          `${envPath(idArg(args[0], 'restore'), String(opts.env))}/restore`,
          { backupId },
        );
        if (out.json && !opts.wait) return out.document(result);
        if (result.preRestoreBackupId) out.info(`restore ${result.restoreId}: pre-restore backup ${result.preRestoreBackupId}`);
        await reportJob(ctx, result.job, 'restore');
      }),
    );
}
