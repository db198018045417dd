import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { foldEvents } from '../../../domain/common/domain-event';
import { DomainError, NotFound } from '../../../domain/common/domain-error';
import { promotionDriftReport } from '../../../domain/site/promotion-drift';
import type { DriftBaseline } from '../../../domain/site/site-environment.events';
import type { DriftReport, DriftSnapshotTakenData, PromotionBlockedData, PromotionRequestedData } from '../../../domain/site/site-promotion.events';
import { checkPromotion } from '../../../domain/site/site-promotions';
import { siteDecider } from '../../../domain/site/site.decider';
import { SiteEvent, siteStreamId } from '../../../domain/site/site.events';
import { SITE_RULES } from '../../../domain/site/site.rules';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { JobCompletion } from '../../jobs/await-job/job-completion';
import { EnqueueJob } from '../../jobs/enqueue-job/enqueue-job.service';
import { IdGenerator } from '../../ports/clock.port';
import { EventStore } from '../../ports/event-store.port';
import { siteDriftCheckJobRequest } from '../site-jobs/site-job-requests';
import { RequestPromotionCommand } from './request-promotion.command';

/** How long a request waits for its drift check (the snapshot reads every table and hashes the uploads). */
export const DRIFT_CHECK_TIMEOUT_MS = 180_000;

export interface RequestPromotionResult extends CommandResult {
  readonly promotionId: string | null;
  readonly prePromotionBackupId: string | null;
  readonly report: DriftReport;
  readonly dryRun: boolean;
  /** The drift-check job the report came from. */
  readonly driftCheckJobId: string;
}

/**
 * The request path of a promotion: every rule the decider can judge from the log is checked first (a
 * bad request launches nothing), then the target's drift snapshot is taken on the node by a
 * `site.drift-check` job this request waits for, then the decider rules on it: PROMOTING, or
 * PromotionBlocked answered as PROMOTION_BLOCKED with the report. A dry run stops at the report.
 */
@CommandHandler(RequestPromotionCommand)
export class RequestPromotionHandler implements ICommandHandler<RequestPromotionCommand, RequestPromotionResult> {
  constructor(
    private readonly store: EventStore,
    private readonly decideAndAppend: DecideAndAppend,
    private readonly enqueue: EnqueueJob,
    private readonly completion: JobCompletion,
    private readonly ids: IdGenerator,
  ) {}

  async execute(c: RequestPromotionCommand): Promise<RequestPromotionResult> {
    const ask = { siteId: c.siteId, environment: c.environment, target: c.input.target, preset: c.input.preset, extraContentTables: c.input.extraContentTables ?? [] };
    const site = this.site(c.siteId);
    const checked = checkPromotion(ask, site, c.siteId);
    const job = this.enqueue.run(siteDriftCheckJobRequest(c.siteId, checked.target), { ...c.meta, commandId: `${c.meta.commandId}:drift-check` });
    const { snapshot, version } = await this.snapshot(c.siteId, job.id);
    const reportNow = () =>
      promotionDriftReport({ source: checked.environment, target: checked.target, preset: checked.preset, baseline: checked.baseline, snapshot, extraContentTables: checked.extraContentTables });
    if (c.input.dryRun) {
      return { streamId: siteStreamId(c.siteId), version, jobs: [], duplicate: false, promotionId: null, prePromotionBackupId: null, report: reportNow(), dryRun: true, driftCheckJobId: job.id };
    }
    const result = this.decideAndAppend.run(
      siteStreamId(c.siteId),
      siteDecider,
      { type: 'RequestPromotion', ...ask, promotionId: this.ids.newId(), force: c.input.force === true, snapshot },
      c.meta,
    );
    const blocked = result.events.find((e) => e.type === 'PromotionBlocked')?.data as PromotionBlockedData | undefined;
    if (blocked) {
      const changed = [...blocked.report.tables.map((t) => t.name), ...(blocked.report.uploads?.changed ? ['uploads'] : [])];
      throw new DomainError(
        'PROMOTION_BLOCKED',
        `${blocked.target} changed since the clone where a ${blocked.preset} promotion would overwrite it (${changed.join(', ')}); nothing was changed (force overrides)`,
        { report: blocked.report, driftCheckJobId: job.id },
        SITE_RULES.promotionBlockedByDrift,
      );
    }
    const requested = result.events.find((e) => e.type === 'PromotionRequested')?.data as PromotionRequestedData | undefined;
    const report = requested?.report ?? reportNow();
    return { ...toCommandResult(result), promotionId: requested?.promotionId ?? null, prePromotionBackupId: requested?.prePromotionBackupId ?? null, report, dryRun: false, driftCheckJobId: job.id };
  }

  private site(siteId: string) {
    const site = foldEvents(siteDecider, this.store.readStream(siteStreamId(siteId)).events as unknown as SiteEvent[]);
    if (!site.exists) throw new NotFound('site', siteId);
    return site;
  }

  /** Waits for the drift-check job and reads the snapshot it recorded on the site's stream (and the stream's version). */
  private async snapshot(siteId: string, jobId: string): Promise<{ snapshot: DriftBaseline; version: number }> {
    const job = await this.completion.wait(jobId, DRIFT_CHECK_TIMEOUT_MS);
    if (!job) throw new DomainError('DRIFT_CHECK_TIMEOUT', `the drift check (job ${jobId}) did not finish within ${DRIFT_CHECK_TIMEOUT_MS / 1000} s; nothing was changed`, { jobId });
    if (job.state !== 'succeeded') {
      throw new DomainError('DRIFT_CHECK_FAILED', `the drift check (job ${jobId}) ${job.state}: ${job.lastError?.message ?? 'no error recorded'}; nothing was changed`, {
        jobId,
        cause: job.lastError?.code ?? null,
      });
    }
    const slice = this.store.readStream(siteStreamId(siteId));
    const taken = (slice.events as unknown as SiteEvent[]).find((e) => e.type === 'DriftSnapshotTaken' && e.data.checkId === jobId)?.data as DriftSnapshotTakenData | undefined;
    if (!taken) throw new DomainError('DRIFT_CHECK_FAILED', `the drift check (job ${jobId}) recorded no snapshot; nothing was changed`, { jobId });
    return { snapshot: taken.snapshot, version: slice.version };
  }
}
