import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../domain/common/domain-error';
import { promotionDriftReport, promotionScope, tablesOf } from '../../../domain/site/promotion-drift';
import type { DriftBaseline } from '../../../domain/site/site-environment.events';
import type { SitePromotion } from '../../../domain/site/site-promotions';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { backupFailure } from '../back-up-site/back-up-site.job-handler';
import { takeDriftSnapshot } from '../check-drift/check-drift.job-handler';
import { backupContentsOf } from '../site-jobs/backup-contents';
import { overwriteFailure } from '../site-jobs/overwrite-failure';
import { plResult, SiteJobSupport, SiteJobTarget, str, toSiteJobFailure } from '../site-jobs/site-job-support';

const PRE_OVERWRITE = { phase: 'pre-overwrite', rolledBack: false } as const;

/**
 * `site.promote` (docs/promotion.md), in the order the domain's guard demands:
 *   1. the target's drift snapshot again (step `drift-recheck`; not for a forced or retried promotion):
 *      what changed since the request blocks it, nothing overwritten;
 *   2. site-backup.yml takes the pre-promotion backup of the target (step `pre-promotion-backup`),
 *      recorded as BackupCompleted (purpose pre-promotion);
 *   3. AuthorizePromotionOverwrite: the decider refuses unless that backup completed;
 *   4. only then site-promote.yml (step `promote`): checks the target once more against the baseline
 *      right before it overwrites (the guard), deploys the source's release, copies the preset's tables
 *      (URLs rewritten) and uploads, checks the site, and puts the backup back when anything failed;
 *   5. the target's snapshot after the promotion (step `baseline`): what the next promotion of the
 *      same clone is compared against.
 * Summary: {releaseId, tables, uploadsCopied, baseline}, or {phase, rolledBack, rollbackError}.
 */
@Injectable()
export class PromoteEnvironmentJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.sitePromote;

  constructor(private readonly support: SiteJobSupport) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    const promotionId = String(ctx.job.payload.promotionId ?? '');
    const probe = await this.support.target(ctx);
    const promotion = probe.site.lastPromotion;
    if (!promotion || promotion.promotionId !== promotionId || probe.site.state !== 'PROMOTING') {
      throw new JobFailure('NOT_FOUND', `promotion ${promotionId} is not the site's running promotion`, false, PRE_OVERWRITE);
    }
    const target = promotion.target === probe.env.name ? probe : await this.support.target(ctx, promotion.target);
    const source = await this.support.target(ctx, promotion.environment);
    const origin = source.env.clonedFrom;
    if (!origin || origin.environment !== target.env.name) {
      throw new JobFailure('PROMOTION_TARGET_NOT_SOURCE', `${source.env.name} is not a clone of ${target.env.name}`, false, PRE_OVERWRITE);
    }
    const forced = promotion.force || promotion.retried;
    const secrets = this.support.secretsFor(ctx, target);
    const restic = this.support.restic(ctx, target);

    const now = await this.recheck(ctx, target, promotion, origin.baseline, forced);
    const scope = promotionScope(promotion.preset, now.prefix ?? origin.baseline.prefix ?? 'wp_', tablesOf(origin.baseline, now), promotion.extraContentTables);

    if (target.site.backups[promotion.prePromotionBackupId]?.state !== 'completed') {
      const scopeOfBackup = scope.copyUploads ? 'full' : 'db';
      ctx.log(`taking the pre-promotion backup ${promotion.prePromotionBackupId} of ${target.env.name} (${scopeOfBackup})`);
      const pre = await this.support
        .run(target, 'site-backup', this.support.backupVars(target, { backupId: promotion.prePromotionBackupId, scope: scopeOfBackup, purpose: 'pre-promotion' }, secrets.dbPassword, restic), ctx, 'pre-promotion-backup')
        .catch((err: unknown) => {
          const failure = backupFailure(toSiteJobFailure(err), 'PRE_PROMOTION_BACKUP_FAILED');
          throw new JobFailure('PRE_PROMOTION_BACKUP_FAILED', `the backup of ${target.env.name} failed, nothing was overwritten: ${failure.message}`, failure.retryable, {
            ...failure.summary,
            ...PRE_OVERWRITE,
          });
        });
      this.support.record(ctx, { type: 'RecordPrePromotionBackup', siteId: target.siteId, promotionId, contents: backupContentsOf(plResult(pre), target.env.nodeId, restic) }, 'pre-promotion-backup');
    }
    this.authorize(ctx, target, promotionId);

    const guard = forced
      ? null
      : {
          tables: Object.fromEntries(scope.checkedTables.map((name) => [name, entryOf(origin.baseline, name)])),
          uploads_sha256: scope.copyUploads ? origin.baseline.uploads.sha256 : null,
        };
    ctx.log(`promoting ${source.env.name} (release ${promotion.releaseId}) onto ${target.env.name}, preset ${promotion.preset}${forced ? ', unguarded' : ''}`);
    let out: Record<string, unknown>;
    try {
      const result = await this.support.run(
        target,
        'site-promote',
        {
          ...this.support.baseVars(target),
          primary_domain: target.env.domains[0],
          domain_aliases: target.env.domains.slice(1),
          db_password: secrets.dbPassword,
          source_env_slug: source.names.env_slug,
          source_site_base: source.names.site_base,
          source_db_name: source.names.db_name,
          source_primary_domain: source.env.domains[0],
          promotion_id: promotionId,
          preset: promotion.preset,
          release_id: promotion.releaseId,
          copy_database: scope.copyDatabase,
          keep_tables: scope.keepTables,
          copy_uploads: scope.copyUploads,
          uploads_delete: scope.uploadsDelete,
          guard,
          pre_promotion_backup_id: promotion.prePromotionBackupId,
        },
        ctx,
        'promote',
      );
      out = plResult(result) ?? {};
    } catch (err) {
      throw overwriteFailure(toSiteJobFailure(err), { operation: 'promotion', backup: 'pre-promotion', refusedCode: 'PROMOTION_BLOCKED', failedCode: 'PROMOTION_FAILED', rollbackFailedCode: 'PROMOTION_ROLLBACK_FAILED' });
    }
    const tables = Array.isArray(out.tables) ? out.tables.map(String) : [];
    ctx.log(`promoted: release ${str(out.release_id) ?? promotion.releaseId}, ${tables.length} table(s) copied, uploads ${out.uploads_copied === true ? 'copied' : 'left alone'}`);
    const baseline = await takeDriftSnapshot(this.support, target, ctx, 'baseline').catch((err: unknown) => {
      // The promotion happened; without a new baseline the next one is checked against the old one (and blocks).
      ctx.log(`the new baseline could not be taken: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
    return { summary: { releaseId: str(out.release_id) ?? promotion.releaseId, tables, uploadsCopied: out.uploads_copied === true, baseline } };
  }

  /** The target now; unless forced or retried, a change since the request's check blocks the promotion before anything is taken. */
  private async recheck(ctx: JobContext, target: SiteJobTarget, promotion: SitePromotion, baseline: DriftBaseline, forced: boolean): Promise<DriftBaseline> {
    const now = await takeDriftSnapshot(this.support, target, ctx, 'drift-recheck').catch((err: unknown) => {
      const failure = toSiteJobFailure(err);
      throw new JobFailure(failure.code, failure.message, failure.retryable, { ...failure.summary, ...PRE_OVERWRITE });
    });
    if (forced) return now;
    const report = promotionDriftReport({ source: promotion.environment, target: promotion.target, preset: promotion.preset, baseline, snapshot: now, extraContentTables: promotion.extraContentTables });
    if (report.blocked) {
      const changed = [...report.tables.map((t) => t.name), ...(report.uploads?.changed ? ['uploads'] : [])];
      throw new JobFailure('PROMOTION_BLOCKED', `${promotion.target} changed after the request (${changed.join(', ')}); nothing was overwritten`, false, { ...PRE_OVERWRITE, report });
    }
    return now;
  }

  /** The guard of issue 10 item 6, asked of the domain: no overwrite unless the pre-promotion backup is recorded. */
  private authorize(ctx: JobContext, target: SiteJobTarget, promotionId: string): void {
    try {
      this.support.record(ctx, { type: 'AuthorizePromotionOverwrite', siteId: target.siteId, promotionId }, 'authorize-overwrite');
    } catch (err) {
      if (err instanceof DomainError) throw new JobFailure(err.code, err.message, false, PRE_OVERWRITE);
      throw err;
    }
  }
}

function entryOf(baseline: DriftBaseline, name: string): { rows: number; checksum: string } | null {
  const t = baseline.tables.find((x) => x.name === name);
  return t ? { rows: t.rows, checksum: t.checksum } : null;
}
