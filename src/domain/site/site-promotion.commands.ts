import type { BackupContents } from './site-backup.events';
import type { DriftBaseline } from './site-environment.events';
import type { OperationError } from './operation-error';
import type { PromotionPhase } from './site-promotion.events';

/** What a promotion is asked for (API, CLI, page), before its drift check ran. */
export interface PromotionAsk {
  readonly siteId: string;
  /** The environment promoted (a clone of `target`). */
  readonly environment: string;
  readonly target: string;
  readonly preset: string;
  /** Tables (without the prefix) the site adds to the content list: the target keeps them under content-protect. */
  readonly extraContentTables?: readonly string[];
}

/**
 * Promote `environment` onto `target` with the target's drift snapshot taken just now: blocked
 * (PromotionBlocked, nothing else) when the target changed where the preset would overwrite, unless forced.
 */
export interface RequestPromotion extends PromotionAsk {
  readonly type: 'RequestPromotion';
  readonly promotionId: string;
  readonly force: boolean;
  readonly snapshot: DriftBaseline;
}
/** The drift-check job took an environment's snapshot. */
export interface RecordDriftSnapshot {
  readonly type: 'RecordDriftSnapshot';
  readonly siteId: string;
  readonly environment: string;
  readonly checkId: string;
  readonly snapshot: DriftBaseline;
}
/**
 * The certificate job switched an environment's WordPress URLs to https, with its drift snapshots
 * right before and right after the rewrite: the clones of that environment take the switch into their
 * baselines (CloneBaselineAdvanced), so that it does not count as drift.
 */
export interface RecordHttpsSwitch {
  readonly type: 'RecordHttpsSwitch';
  readonly siteId: string;
  readonly environment: string;
  readonly before: DriftBaseline;
  readonly after: DriftBaseline;
}
/** The promotion job took its backup of the target (its manifest). */
export interface RecordPrePromotionBackup {
  readonly type: 'RecordPrePromotionBackup';
  readonly siteId: string;
  readonly promotionId: string;
  readonly contents: BackupContents;
}
/** The promotion job asks before it overwrites anything; refused unless its backup of the target succeeded. */
export interface AuthorizePromotionOverwrite {
  readonly type: 'AuthorizePromotionOverwrite';
  readonly siteId: string;
  readonly promotionId: string;
}
export interface CompletePromotion {
  readonly type: 'CompletePromotion';
  readonly siteId: string;
  readonly promotionId: string;
  readonly releaseId: string;
  readonly tables: readonly string[];
  readonly uploadsCopied: boolean;
  /** The target right after the promotion: the baseline the next promotion from the same clone compares against. */
  readonly baseline: DriftBaseline | null;
}
export interface FailPromotion {
  readonly type: 'FailPromotion';
  readonly siteId: string;
  readonly promotionId: string;
  readonly error: OperationError;
  /** What the job saw; the decider makes it pre-overwrite when no overwrite was ever authorized. */
  readonly phase: PromotionPhase;
  readonly rolledBack: boolean;
  readonly rollbackError: OperationError | null;
}

export type PromotionCommand = RecordDriftSnapshot | RecordHttpsSwitch | RequestPromotion | RecordPrePromotionBackup | AuthorizePromotionOverwrite | CompletePromotion | FailPromotion;
