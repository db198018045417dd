import { DomainEvent } from '../common/domain-event';
import type { OperationError } from './operation-error';
import type { DriftBaseline } from './site-environment.events';

/*
 * Promotion events of the `site-<id>` stream (docs/promotion.md): a staging environment's release (and,
 * by preset, its tables and uploads) put onto the environment it was cloned from, only when that target
 * has not drifted since the clone and only after a fresh backup of the target. PROMOTING until
 * PromotionCompleted or PromotionFailed. Type strings are stable.
 */

export const PROMOTION_PRESETS = ['code-only', 'content-protect', 'full'] as const;
/**
 * code-only: the release. content-protect: the release, the uploads (added and updated, never deleted)
 * and every table except the content tables, which the target keeps. full: the release, the uploads
 * (mirrored) and every table.
 */
export type PromotionPreset = (typeof PROMOTION_PRESETS)[number];

/** One table that changed on the target since the clone's baseline (rows before = baseline, after = now). */
export interface DriftedTable {
  readonly name: string;
  readonly change: 'changed' | 'added' | 'removed';
  readonly rowsBefore: number | null;
  readonly rowsAfter: number | null;
}

/**
 * What changed on the target since the clone, limited to what the preset would overwrite. `blocked`
 * when anything did; `tablesChecked` are the tables the preset overwrites (so the ones compared).
 */
export interface DriftReport {
  readonly target: string;
  readonly source: string;
  readonly preset: PromotionPreset;
  readonly baselineTakenAt: string;
  readonly checkedAt: string;
  readonly prefix: string;
  readonly tablesChecked: readonly string[];
  readonly tables: readonly DriftedTable[];
  /** null when the preset leaves the uploads alone. */
  readonly uploads: { readonly changed: boolean; readonly filesBefore: number; readonly filesAfter: number } | null;
  readonly blocked: boolean;
}

/** The drift snapshot of an environment taken for a promotion request (or a dry run); changes nothing. */
export interface DriftSnapshotTakenData {
  readonly siteId: string;
  readonly environment: string;
  /** The drift-check job that took it (what the waiting request looks for). */
  readonly checkId: string;
  readonly snapshot: DriftBaseline;
}

/**
 * A clone's drift baseline took in a change its source made that is not drift: the source's WordPress
 * URLs switched to https once its certificate was served (reason `https-switch`). Only the tables the
 * switch changed and that still matched the baseline right before it were taken over (`tables`); a
 * table that had drifted before keeps its old entry, so that drift still shows.
 */
export interface CloneBaselineAdvancedData {
  readonly siteId: string;
  /** The clone whose baseline moved. */
  readonly environment: string;
  /** The environment it was cloned from (where the switch happened). */
  readonly source: string;
  readonly reason: 'https-switch';
  readonly tables: readonly string[];
  readonly baseline: DriftBaseline;
}

export interface PromotionRequestedData {
  readonly siteId: string;
  readonly promotionId: string;
  /** The environment promoted (a clone of the target). */
  readonly environment: string;
  readonly target: string;
  readonly preset: PromotionPreset;
  /** The source's release that is deployed to the target. */
  readonly releaseId: string;
  /** The id the backup of the target taken by this promotion gets. */
  readonly prePromotionBackupId: string;
  /** The report checked when it was requested (blocked only when forced: then it is the report overridden). */
  readonly report: DriftReport;
  readonly force: boolean;
  /** Tables (without the prefix) the request added to the content list. */
  readonly extraContentTables: readonly string[];
}
/** A promotion refused for drift: nothing was changed, the site stays ACTIVE. */
export interface PromotionBlockedData {
  readonly siteId: string;
  readonly environment: string;
  readonly target: string;
  readonly preset: PromotionPreset;
  readonly report: DriftReport;
  /** Set when the running promotion's own re-check, right before overwriting, found the drift. */
  readonly promotionId?: string;
}
/** The guard of issue 10 item 6: the target's pre-promotion backup succeeded, so the job may now overwrite. */
export interface PromotionOverwriteAuthorizedData {
  readonly siteId: string;
  readonly promotionId: string;
  readonly target: string;
  readonly prePromotionBackupId: string;
}
export interface PromotionCompletedData {
  readonly siteId: string;
  readonly promotionId: string;
  readonly environment: string;
  readonly target: string;
  readonly preset: PromotionPreset;
  /** The target's release after the promotion (the source's). */
  readonly releaseId: string;
  readonly prePromotionBackupId: string;
  /** The tables copied to the target, and whether uploads were. */
  readonly tables: readonly string[];
  readonly uploadsCopied: boolean;
  /** The target right after the promotion: what the next promotion of the same clone compares against. */
  readonly baseline?: DriftBaseline;
}
/**
 * pre-overwrite: nothing was overwritten (the backup failed, or the re-check found drift). post-overwrite:
 * the promotion overwrote and then failed; `rolledBack` says whether the pre-promotion backup was put back.
 */
export type PromotionPhase = 'pre-overwrite' | 'post-overwrite';
export interface PromotionFailedData {
  readonly siteId: string;
  readonly promotionId: string;
  readonly environment: string;
  readonly target: string;
  readonly prePromotionBackupId: string;
  readonly error: OperationError;
  readonly phase: PromotionPhase;
  readonly rolledBack: boolean;
  readonly rollbackError: OperationError | null;
}

export type DriftSnapshotTaken = DomainEvent<'DriftSnapshotTaken', DriftSnapshotTakenData>;
export type CloneBaselineAdvanced = DomainEvent<'CloneBaselineAdvanced', CloneBaselineAdvancedData>;
export type PromotionRequested = DomainEvent<'PromotionRequested', PromotionRequestedData>;
export type PromotionBlocked = DomainEvent<'PromotionBlocked', PromotionBlockedData>;
export type PromotionOverwriteAuthorized = DomainEvent<'PromotionOverwriteAuthorized', PromotionOverwriteAuthorizedData>;
export type PromotionCompleted = DomainEvent<'PromotionCompleted', PromotionCompletedData>;
export type PromotionFailed = DomainEvent<'PromotionFailed', PromotionFailedData>;

export type SitePromotionEvent = DriftSnapshotTaken | CloneBaselineAdvanced | PromotionRequested | PromotionBlocked | PromotionOverwriteAuthorized | PromotionCompleted | PromotionFailed;
