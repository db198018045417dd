import type { Command } from 'commander';
import { ApiError } from '../api-client';
import { CliError } from '../cli-error';
import { API_HELP_GROUP, apiAction, idArg } from '../command-kit';
import type { Output } from '../output';
import { JobRef, reportJob } from './job.commands';
import { envPath } from './site.commands';

const PRESETS = ['code-only', 'content-protect', 'full'];

interface DriftReport {
  target: string;
  preset: string;
  baselineTakenAt: string;
  checkedAt: string;
  tablesChecked: string[];
  tables: { name: string; change: string; rowsBefore: number | null; rowsAfter: number | null }[];
  uploads: { changed: boolean; filesBefore: number; filesAfter: number } | null;
  blocked: boolean;
}

/** The drift report as lines: what changed on the target since the clone, where the preset overwrites. */
function printReport(out: Output, report: DriftReport): void {
  out.line(`drift of ${report.target} since ${report.baselineTakenAt} (checked ${report.checkedAt}, preset ${report.preset}): ${report.blocked ? 'CHANGED' : 'unchanged'}`);
  out.line(`  tables compared: ${report.tablesChecked.length}`);
  for (const t of report.tables) out.line(`  ${t.name}: ${t.change} (rows ${t.rowsBefore ?? '-'} -> ${t.rowsAfter ?? '-'})`);
  if (report.uploads) out.line(`  uploads: ${report.uploads.changed ? 'changed' : 'unchanged'} (files ${report.uploads.filesBefore} -> ${report.uploads.filesAfter})`);
}

/** `promote`: a clone's release (and by preset its tables and uploads) onto the environment it was cloned from (docs/promotion.md). */
export function registerPromoteCommands(program: Command): void {
  program
    .command('promote')
    .helpGroup(API_HELP_GROUP)
    .argument('<site-id>')
    .argument('<env>', 'the clone to promote, e.g. staging')
    .description('promote a clone onto the environment it was cloned from, only when that one has not changed where the preset overwrites; a backup of it is taken first')
    .option('--to <env>', 'the environment it was cloned from', 'production')
    .option('--preset <preset>', `what is promoted: ${PRESETS.join(', ')}`, 'content-protect')
    .option('--content-table <name>', 'a table of this site (without the prefix) that counts as content: kept by the target under content-protect (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--dry-run', 'only check for drift and print the report; nothing is changed (the snapshot taken is recorded)')
    .option('--force', 'promote although the target drifted (the overridden report is recorded)')
    .option('--wait', 'follow the promotion job to its end')
    .action(
      apiAction(async (ctx) => {
        const { api, out, opts, args } = ctx;
        if (!PRESETS.includes(String(opts.preset))) throw new CliError(`--preset must be one of ${PRESETS.join(', ')}`, 2);
        const path = `${envPath(idArg(args[0], 'promote'), String(args[1]))}/promote${opts.dryRun ? '?dryRun=true' : ''}`;
        const body = { target: opts.to, preset: opts.preset, force: opts.force === true, extraContentTables: opts.contentTable };
        let result: { promotionId?: string | null; prePromotionBackupId?: string | null; report: DriftReport; job?: JobRef };
        try {
          result = await api.post(path, body);
        } catch (err) {
          if (err instanceof ApiError && err.code === 'PROMOTION_BLOCKED') {
            const report = (err.details as { report?: DriftReport } | undefined)?.report;
            if (out.json) out.document({ code: err.code, message: err.apiMessage, report });
            else if (report) printReport(out, report);
          }
          throw err;
        }
        if (out.json && !opts.wait) return out.document(result);
        if (!out.json) printReport(out, result.report);
        if (opts.dryRun || !result.job) return;
        out.info(`promotion ${result.promotionId ?? '(repeated request)'}: backup of ${String(opts.to)} ${result.prePromotionBackupId ?? ''}`);
        await reportJob(ctx, result.job, 'promotion');
      }),
    );
}
