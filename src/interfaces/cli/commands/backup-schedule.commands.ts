import type { Command } from 'commander';
import type { BackupScheduleView } from '../../../application/sites/backup-schedules/backup-schedule.view';
import { CliError } from '../cli-error';
import { apiAction, idArg } from '../command-kit';
import type { Column } from '../output';
import { JobRef, reportJob } from './job.commands';
import { envPath } from './site.commands';

const SCHEDULE_FIELDS: Column<BackupScheduleView>[] = [
  { header: 'environment', value: (s) => s.environment },
  { header: 'cron', value: (s) => s.cron },
  { header: 'time zone', value: (s) => s.timeZone },
  { header: 'scope', value: (s) => s.scope },
  { header: 'keep', value: (s) => `last ${s.retention.keepLast}, daily ${s.retention.keepDaily}, weekly ${s.retention.keepWeekly}, monthly ${s.retention.keepMonthly}` },
  { header: 'next due', value: (s) => s.nextDueAt },
  { header: 'last due', value: (s) => s.lastDueAt },
  { header: 'last backup', value: (s) => s.lastBackupId },
  { header: 'last missed', value: (s) => (s.lastMissed ? `${s.lastMissed.count} (recorded ${s.lastMissed.at})` : null) },
  { header: 'set by', value: (s) => s.setBy },
];

const KEEP_OPTIONS = [
  ['--keep-last <n>', 'keepLast', 'keep the newest N scheduled backups'],
  ['--keep-daily <n>', 'keepDaily', 'keep the newest of each of the last N days that have one'],
  ['--keep-weekly <n>', 'keepWeekly', 'keep the newest of each of the last N ISO weeks that have one'],
  ['--keep-monthly <n>', 'keepMonthly', 'keep the newest of each of the last N months that have one'],
] as const;

const count = (flag: string) => (value: string) => {
  if (!/^\d{1,4}$/.test(value)) throw new CliError(`${flag} needs a whole number from 0 to 1000`, 2);
  return Number(value);
};

/** `backup schedule set|show|remove` and `backup delete` (docs/backups.md, "Schedules and retention"). */
export function registerBackupScheduleCommands(backup: Command): void {
  const schedule = backup.command('schedule').description("an environment's backup schedule: cron expression, time zone, scope and retention");

  const set = schedule
    .command('set')
    .argument('<site-id>')
    .description('set or replace the schedule, e.g. --cron "30 2 * * *" --tz Europe/Berlin --keep-daily 7 --keep-weekly 4')
    .option('--env <env>', 'environment', 'production')
    .requiredOption('--cron <expr>', '5 fields: minute hour day-of-month month day-of-week')
    .option('--tz <zone>', 'IANA time zone the cron expression is read in', 'UTC')
    .option('--scope <scope>', 'db | files | full', 'full');
  for (const [flag, , help] of KEEP_OPTIONS) set.option(flag, help, count(flag.split(' ')[0]));
  set.action(
    apiAction(async ({ api, out, opts, args }) => {
      const retention = Object.fromEntries(KEEP_OPTIONS.filter(([, key]) => opts[key] !== undefined).map(([, key]) => [key, opts[key] as number]));
      const body = { cron: String(opts.cron), timeZone: String(opts.tz), scope: String(opts.scope), retention };
      const result = await api.put<{ version: number; schedule: BackupScheduleView }>(`${envPath(idArg(args[0], 'backup schedule set'), String(opts.env))}/backup-schedule`, body);
      out.item(result.schedule, SCHEDULE_FIELDS);
    }),
  );

  schedule
    .command('show')
    .argument('<site-id>')
    .option('--env <env>', 'environment', 'production')
    .description('the schedule, its next due time and what the scheduler last did')
    .action(
      apiAction(async ({ api, out, opts, args }) => {
        out.item(await api.get<BackupScheduleView>(`${envPath(idArg(args[0], 'backup schedule show'), String(opts.env))}/backup-schedule`), SCHEDULE_FIELDS);
      }),
    );

  schedule
    .command('remove')
    .argument('<site-id>')
    .option('--env <env>', 'environment', 'production')
    .description('remove the schedule (its backups stay; retention no longer deletes any)')
    .action(
      apiAction(async ({ api, out, opts, args }) => {
        const result = await api.delete<{ version: number }>(`${envPath(idArg(args[0], 'backup schedule remove'), String(opts.env))}/backup-schedule`);
        if (out.json) return out.document(result);
        out.info('backup schedule removed');
      }),
    );

  backup
    .command('delete')
    .argument('<site-id>')
    .argument('<backup-id>')
    .option('--wait', 'follow the deletion job to its end')
    .description('delete a backup: its folder on the node, then its listing (refused while it runs or a restore uses it)')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        const backupId = args[1] ?? '';
        if (!/^[0-9A-Za-z_-]{1,64}$/.test(backupId)) throw new CliError('backup delete needs a backup id', 2);
        const result = await api.delete<{ deletionId: string | null; job: JobRef }>(`/api/v1/sites/${idArg(args[0], 'backup delete')}/backups/${backupId}`);
        if (out.json && !opts.wait) return out.document(result);
        out.info(`deletion ${result.deletionId ?? '(repeated request)'} of backup ${backupId}`);
        await reportJob(ctx, result.job, 'deletion');
      }),
    );
}
