import { DecideContext } from '../common/domain-event';
import { InvalidValue, NotFound, RuleViolation } from '../common/domain-error';
import { parseEnvironmentName } from '../common/value-objects';
import { advanceBaseline, promotionDriftReport } from './promotion-drift';
import { canTransition, SiteLifecycleState, transitionRefused } from './site-lifecycle.state-machine';
import type { SiteBackup } from './site-backups';
import type { SiteBackupEvent } from './site-backup.events';
import type { DriftBaseline } from './site-environment.events';
import type { EnvironmentStatus } from './site-environments';
import type {
  AuthorizePromotionOverwrite,
  CompletePromotion,
  FailPromotion,
  PromotionAsk,
  RecordDriftSnapshot,
  RecordHttpsSwitch,
  RecordPrePromotionBackup,
  RequestPromotion,
} from './site-promotion.commands';
import { PROMOTION_PRESETS, PromotionPreset, SitePromotionEvent } from './site-promotion.events';
import { SITE_RULES } from './site.rules';

/*
 * Decide functions of promotions (docs/promotion.md), called by the site decider. A promotion puts a
 * clone's release (and, by preset, its tables and uploads) onto the environment it was cloned from:
 * only while nothing it would overwrite drifted there since the clone (or when forced), and only after
 * a backup of the target taken by the promotion itself succeeded.
 */

/** Where an environment came from: the clone's source and what it held then (or after the last promotion). */
export interface CloneOrigin {
  readonly environment: string;
  readonly baseline: DriftBaseline;
}

export interface SitePromotion {
  readonly promotionId: string;
  readonly environment: string;
  readonly target: string;
  readonly preset: PromotionPreset;
  readonly releaseId: string;
  readonly prePromotionBackupId: string;
  readonly extraContentTables: readonly string[];
  /** Requested with force: the job checks no drift (the report overridden is in PromotionRequested). */
  readonly force: boolean;
  /** Set once PromotionOverwriteAuthorized is recorded: the job may overwrite from then on. */
  readonly overwriteAuthorized: boolean;
  /** A retry after a failure: the target may be half overwritten, so the job does not check it for drift again. */
  readonly retried: boolean;
}

/** The part of the site state these functions read. */
export interface PromotionSiteView {
  readonly state: SiteLifecycleState | null;
  readonly environments: Readonly<
    Record<string, { readonly status: EnvironmentStatus; readonly currentReleaseId: string | null; readonly clonedFrom?: CloneOrigin | null }>
  >;
  readonly backups: Readonly<Record<string, SiteBackup>>;
  readonly lastPromotion: SitePromotion | null;
}

export function parsePromotionPreset(preset: string): PromotionPreset {
  if (!(PROMOTION_PRESETS as readonly string[]).includes(preset)) {
    throw new InvalidValue('preset', `preset must be one of ${PROMOTION_PRESETS.join(', ')}`, { rule: SITE_RULES.promotionPresetMustBeKnown });
  }
  return preset as PromotionPreset;
}

const TABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;

function parseExtraContentTables(names: readonly string[] | undefined): string[] {
  return (names ?? []).map((n, i) => {
    if (typeof n !== 'string' || !TABLE_NAME.test(n)) {
      throw new InvalidValue(`extraContentTables[${i}]`, 'a table name without the prefix: letters, digits and _ (at most 64)', { rule: SITE_RULES.promotionPresetMustBeKnown });
    }
    return n;
  });
}

export interface CheckedPromotion {
  readonly environment: string;
  readonly target: string;
  readonly preset: PromotionPreset;
  readonly releaseId: string;
  readonly baseline: DriftBaseline;
  readonly extraContentTables: readonly string[];
}

/**
 * Everything a promotion request must satisfy before its drift check runs on the node (so a bad request
 * launches nothing): the site ACTIVE with no backup running, both environments active, the source a
 * clone of the target with a current release and a baseline this version can compare, a known preset.
 */
export function checkPromotion(ask: PromotionAsk, site: PromotionSiteView, siteId: string): CheckedPromotion {
  const from = site.state as SiteLifecycleState;
  if (!canTransition(from, 'promote.requested')) throw transitionRefused(from, 'promote.requested', SITE_RULES.canBePromotedOnlyWhenActive);
  const preset = parsePromotionPreset(ask.preset);
  const extraContentTables = parseExtraContentTables(ask.extraContentTables);
  const environment = parseEnvironmentName(ask.environment);
  const target = parseEnvironmentName(ask.target, 'target');
  const source = site.environments[environment];
  if (!source) throw new NotFound('environment', `${siteId}/${environment}`);
  if (!site.environments[target]) throw new NotFound('environment', `${siteId}/${target}`);
  for (const [name, env] of [[environment, source], [target, site.environments[target]]] as const) {
    if (env.status !== 'active') {
      throw new RuleViolation(SITE_RULES.promotionNeedsCloneOfTarget, 'ENVIRONMENT_NOT_ACTIVE', `Environment ${name} is ${env.status}; a promotion needs both environments active`, {
        environment: name,
        status: env.status,
      });
    }
  }
  if (source.clonedFrom?.environment !== target) {
    throw new RuleViolation(
      SITE_RULES.promotionNeedsCloneOfTarget,
      'PROMOTION_TARGET_NOT_SOURCE',
      source.clonedFrom
        ? `Environment ${environment} is a clone of ${source.clonedFrom.environment}; it can be promoted only onto that environment`
        : `Environment ${environment} is not a clone; only a clone is promoted, onto the environment it was cloned from`,
      { environment, target, clonedFrom: source.clonedFrom?.environment ?? null },
    );
  }
  if (!source.clonedFrom.baseline.prefix) {
    throw new RuleViolation(
      SITE_RULES.promotionNeedsCloneOfTarget,
      'BASELINE_OUTDATED',
      `The baseline of ${environment} was taken by an older Pressluft that did not leave out volatile rows; clone ${target} again to promote`,
      { environment, baselineTakenAt: source.clonedFrom.baseline.takenAt },
    );
  }
  if (!source.currentReleaseId) {
    throw new RuleViolation(SITE_RULES.promotionNeedsCloneOfTarget, 'NO_RELEASE', `Environment ${environment} serves no release to promote`, { environment });
  }
  const running = Object.values(site.backups).find((b) => b.state === 'running');
  if (running) {
    throw new RuleViolation(SITE_RULES.oneBackupAtATime, 'BACKUP_RUNNING', `Backup ${running.backupId} is still running; a promotion waits until it finishes`, {
      backupId: running.backupId,
    });
  }
  return { environment, target, preset, releaseId: source.currentReleaseId, baseline: source.clonedFrom.baseline, extraContentTables };
}

/** A fact, not an operation: recorded for an environment the site has (once per check). */
export function recordDriftSnapshot(cmd: RecordDriftSnapshot, site: PromotionSiteView, siteId: string): SitePromotionEvent[] {
  if (!site.environments[cmd.environment]) return [];
  return [{ type: 'DriftSnapshotTaken', data: { siteId, environment: cmd.environment, checkId: cmd.checkId, snapshot: cmd.snapshot } }];
}

/** The names of the environments cloned from `source` (their baselines describe it). */
export function clonesOf(environments: PromotionSiteView['environments'], source: string): string[] {
  return Object.entries(environments)
    .filter(([, env]) => env.clonedFrom?.environment === source)
    .map(([name]) => name);
}

/**
 * A fact, not an operation: every clone of the environment takes the https switch into its baseline
 * (the tables it changed that the clone's baseline still had as they were right before). Nothing when
 * the environment has no clone or no clone's baseline moves; never refused, since the switch happened.
 */
export function recordHttpsSwitch(cmd: RecordHttpsSwitch, site: PromotionSiteView, siteId: string): SitePromotionEvent[] {
  return clonesOf(site.environments, cmd.environment).flatMap((environment): SitePromotionEvent[] => {
    const origin = site.environments[environment].clonedFrom;
    const advanced = origin ? advanceBaseline(origin.baseline, cmd.before, cmd.after) : null;
    if (!advanced) return [];
    return [{ type: 'CloneBaselineAdvanced', data: { siteId, environment, source: cmd.environment, reason: 'https-switch', tables: advanced.tables, baseline: advanced.baseline } }];
  });
}

/**
 * ACTIVE → PROMOTING, or, when the snapshot shows drift where the preset would overwrite and the
 * request is not forced, PromotionBlocked alone (nothing changes). A forced promotion records the
 * report it overrode. The same request again while it runs is a no-op.
 */
export function requestPromotion(cmd: RequestPromotion, site: PromotionSiteView, siteId: string, ctx: DecideContext): SitePromotionEvent[] {
  if (site.state === 'PROMOTING' && site.lastPromotion?.promotionId === cmd.promotionId) return [];
  const checked = checkPromotion(cmd, site, siteId);
  const { environment, target, preset, releaseId } = checked;
  const report = promotionDriftReport({ source: environment, target, preset, baseline: checked.baseline, snapshot: cmd.snapshot, extraContentTables: checked.extraContentTables });
  if (report.blocked && !cmd.force) return [{ type: 'PromotionBlocked', data: { siteId, environment, target, preset, report } }];
  return [
    {
      type: 'PromotionRequested',
      data: { siteId, promotionId: cmd.promotionId, environment, target, preset, releaseId, prePromotionBackupId: ctx.newId(), report, force: cmd.force, extraContentTables: checked.extraContentTables },
    },
  ];
}

function runningPromotion(site: PromotionSiteView, promotionId: string): SitePromotion | null {
  return site.state === 'PROMOTING' && site.lastPromotion?.promotionId === promotionId ? site.lastPromotion : null;
}

export function recordPrePromotionBackup(cmd: RecordPrePromotionBackup, site: PromotionSiteView, siteId: string): SiteBackupEvent[] {
  const promotion = runningPromotion(site, cmd.promotionId);
  if (!promotion || site.backups[promotion.prePromotionBackupId]) return [];
  const scope = promotion.preset === 'code-only' ? 'db' : 'full';
  return [
    {
      type: 'BackupCompleted',
      data: { siteId, environment: promotion.target, backupId: promotion.prePromotionBackupId, scope, purpose: 'pre-promotion', restoreId: null, promotionId: promotion.promotionId, ...cmd.contents },
    },
  ];
}

/** The guard: the running promotion's backup of its target must have completed before anything is overwritten. */
export function authorizePromotionOverwrite(cmd: AuthorizePromotionOverwrite, site: PromotionSiteView, siteId: string): SitePromotionEvent[] {
  const promotion = runningPromotion(site, cmd.promotionId);
  if (!promotion) {
    throw new RuleViolation(SITE_RULES.promotionOverwritesOnlyAfterItsBackup, 'PRE_PROMOTION_BACKUP_MISSING', `Promotion ${cmd.promotionId} is not running`, { promotionId: cmd.promotionId });
  }
  if (promotion.overwriteAuthorized) return [];
  if (site.backups[promotion.prePromotionBackupId]?.state !== 'completed') {
    throw new RuleViolation(
      SITE_RULES.promotionOverwritesOnlyAfterItsBackup,
      'PRE_PROMOTION_BACKUP_MISSING',
      `Promotion ${cmd.promotionId} may overwrite ${promotion.target} only after its backup ${promotion.prePromotionBackupId} succeeded`,
      { promotionId: cmd.promotionId, prePromotionBackupId: promotion.prePromotionBackupId },
    );
  }
  return [
    { type: 'PromotionOverwriteAuthorized', data: { siteId, promotionId: promotion.promotionId, target: promotion.target, prePromotionBackupId: promotion.prePromotionBackupId } },
  ];
}

/** A success report without an authorized overwrite breaks the job contract: recorded as a failure, never as a promotion. */
export function completePromotion(cmd: CompletePromotion, site: PromotionSiteView, siteId: string): SitePromotionEvent[] {
  const promotion = runningPromotion(site, cmd.promotionId);
  if (!promotion) return [];
  const ref = { siteId, promotionId: promotion.promotionId, environment: promotion.environment, target: promotion.target, prePromotionBackupId: promotion.prePromotionBackupId };
  if (!promotion.overwriteAuthorized) {
    const error = { code: 'PRE_PROMOTION_BACKUP_MISSING', message: 'the promotion reported success without an authorized overwrite (no backup of the target recorded)' };
    return [{ type: 'PromotionFailed', data: { ...ref, error, phase: 'post-overwrite', rolledBack: false, rollbackError: null } }];
  }
  return [
    {
      type: 'PromotionCompleted',
      data: { ...ref, preset: promotion.preset, releaseId: cmd.releaseId, tables: [...cmd.tables], uploadsCopied: cmd.uploadsCopied, ...(cmd.baseline ? { baseline: cmd.baseline } : {}) },
    },
  ];
}

export function failPromotion(cmd: FailPromotion, site: PromotionSiteView, siteId: string): SitePromotionEvent[] {
  const promotion = runningPromotion(site, cmd.promotionId);
  if (!promotion) return [];
  // Before the authorization the job cannot have overwritten anything, whatever it reports.
  const phase = promotion.overwriteAuthorized ? cmd.phase : 'pre-overwrite';
  return [
    {
      type: 'PromotionFailed',
      data: {
        siteId,
        promotionId: promotion.promotionId,
        environment: promotion.environment,
        target: promotion.target,
        prePromotionBackupId: promotion.prePromotionBackupId,
        error: cmd.error,
        phase,
        rolledBack: phase === 'post-overwrite' && cmd.rolledBack,
        rollbackError: phase === 'post-overwrite' ? cmd.rollbackError : null,
      },
    },
  ];
}
