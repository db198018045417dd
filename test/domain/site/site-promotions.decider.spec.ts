import { InvalidValue, NotFound, RuleViolation } from '../../../src/domain/common/domain-error';
import type { SiteCommand } from '../../../src/domain/site/site.commands';
import { siteDecider } from '../../../src/domain/site/site.decider';
import type { SiteEvent } from '../../../src/domain/site/site.events';
import type { DriftBaseline } from '../../../src/domain/site/site-environment.events';
import { promotionDriftReport } from '../../../src/domain/site/promotion-drift';
import { SITE_RULES } from '../../../src/domain/site/site.rules';
import { given } from '../../support/decider-spec';
import { backupContents, created, env, error, provisioned, siteId } from './site-fixtures';

/* Promotions of a clone onto the environment it was cloned from (src/domain/site/site-promotions.ts, docs/promotion.md). */

const cmd = <T extends SiteCommand['type']>(type: T, rest: Omit<Extract<SiteCommand, { type: T }>, 'type' | 'siteId'>) =>
  ({ type, siteId, ...rest }) as Extract<SiteCommand, { type: T }>;

const baseline: DriftBaseline = {
  takenAt: '2026-12-03T10:00:00.000Z',
  database: 's_shop',
  prefix: 'wp_',
  tables: [
    { name: 'wp_comments', rows: 1, checksum: '10' },
    { name: 'wp_options', rows: 100, checksum: '20', filtered: true },
    { name: 'wp_posts', rows: 3, checksum: '30' },
  ],
  uploads: { files: 1, bytes: 13, sha256: 'c'.repeat(64) },
};
const snapshotWith = (changes: { table?: string; rows?: number; uploads?: string } = {}): DriftBaseline => ({
  ...baseline,
  takenAt: '2026-12-03T11:00:00.000Z',
  tables: baseline.tables.map((t) => (t.name === changes.table ? { ...t, rows: changes.rows ?? t.rows + 1, checksum: 'changed' } : t)),
  uploads: changes.uploads ? { ...baseline.uploads, files: 2, sha256: changes.uploads } : baseline.uploads,
});

const cloned: SiteEvent[] = [
  {
    type: 'EnvironmentCloneRequested',
    data: { siteId, cloneId: 'c1', environment: 'staging', envSlug: 'shop-staging', sourceEnvironment: env, nodeId: 'n1', domains: ['staging.shop.test'], phpVersion: '8.2' },
  },
  { type: 'EnvironmentCloned', data: { siteId, cloneId: 'c1', environment: 'staging', sourceEnvironment: env, releaseId: 'r0', baseline } },
];
const ACTIVE = [created, provisioned, ...cloned];
const promote = (over: Partial<Omit<Extract<SiteCommand, { type: 'RequestPromotion' }>, 'type' | 'siteId'>> = {}) =>
  cmd('RequestPromotion', { promotionId: 'p1', environment: 'staging', target: env, preset: 'content-protect', force: false, snapshot: snapshotWith(), ...over });
const reportOf = (preset: 'code-only' | 'content-protect' | 'full', snapshot: DriftBaseline) =>
  promotionDriftReport({ source: 'staging', target: env, preset, baseline, snapshot, extraContentTables: [] });
const requested: SiteEvent = {
  type: 'PromotionRequested',
  data: { siteId, promotionId: 'p1', environment: 'staging', target: env, preset: 'content-protect', releaseId: 'r0', prePromotionBackupId: 'id-1', report: reportOf('content-protect', snapshotWith()), force: false, extraContentTables: [] },
};
const PROMOTING = [...ACTIVE, requested];
const backedUp: SiteEvent = {
  type: 'BackupCompleted',
  data: { siteId, environment: env, backupId: 'id-1', scope: 'full', purpose: 'pre-promotion', restoreId: null, promotionId: 'p1', ...backupContents() },
};
const authorized: SiteEvent = { type: 'PromotionOverwriteAuthorized', data: { siteId, promotionId: 'p1', target: env, prePromotionBackupId: 'id-1' } };
const AUTHORIZED = [...PROMOTING, backedUp, authorized];
const after: DriftBaseline = { ...baseline, takenAt: '2026-12-03T12:00:00.000Z', tables: [{ name: 'wp_options', rows: 101, checksum: '21', filtered: true }] };

describe('promotions', () => {
  describe('RequestPromotion', () => {
    it('given a clone and no drift, when promoted, then ACTIVE → PROMOTING with the report and the id of its backup of the target', () => {
      given(siteDecider, ACTIVE).when(promote()).then([requested]);
      given(siteDecider, ACTIVE).when(promote()).thenState({ state: 'PROMOTING', lastOperation: 'promote' });
    });
    it('given drift in a table the preset overwrites, then PromotionBlocked with the report and nothing else (the site stays ACTIVE)', () => {
      const snapshot = snapshotWith({ table: 'wp_options', rows: 101 });
      const report = reportOf('content-protect', snapshot);
      expect(report.tables).toEqual([{ name: 'wp_options', change: 'changed', rowsBefore: 100, rowsAfter: 101 }]);
      given(siteDecider, ACTIVE)
        .when(promote({ snapshot }))
        .then([{ type: 'PromotionBlocked', data: { siteId, environment: 'staging', target: env, preset: 'content-protect', report } }]);
      given(siteDecider, ACTIVE).when(promote({ snapshot })).thenState({ state: 'ACTIVE', lastPromotion: null });
    });
    it('given a change in a content table, then content-protect is not blocked but full is', () => {
      const snapshot = snapshotWith({ table: 'wp_comments', rows: 2 });
      const [ok] = given(siteDecider, ACTIVE).when(promote({ snapshot })).then([{ ...requested, data: { ...(requested.data as object), report: reportOf('content-protect', snapshot) } } as SiteEvent]);
      expect(ok.type).toBe('PromotionRequested');
      const [blocked] = given(siteDecider, ACTIVE)
        .when(promote({ snapshot, preset: 'full' }))
        .then([{ type: 'PromotionBlocked', data: { siteId, environment: 'staging', target: env, preset: 'full', report: reportOf('full', snapshot) } }]);
      expect((blocked.data as unknown as { report: { tables: unknown[] } }).report.tables).toEqual([{ name: 'wp_comments', change: 'changed', rowsBefore: 1, rowsAfter: 2 }]);
    });
    it('given changed uploads, then full and content-protect are blocked, code-only is not', () => {
      const snapshot = snapshotWith({ uploads: 'd'.repeat(64) });
      expect(reportOf('full', snapshot).blocked).toBe(true);
      expect(reportOf('content-protect', snapshot).uploads).toEqual({ changed: true, filesBefore: 1, filesAfter: 2 });
      expect(reportOf('code-only', snapshot)).toMatchObject({ blocked: false, uploads: null, tablesChecked: [] });
    });
    it('given drift and force, then PROMOTING with the report it overrode', () => {
      const snapshot = snapshotWith({ table: 'wp_options' });
      const [event] = given(siteDecider, ACTIVE).when(promote({ snapshot, force: true })).thenState({ state: 'PROMOTING' }) && given(siteDecider, ACTIVE).when(promote({ snapshot, force: true })).then([
        { ...requested, data: { ...(requested.data as object), report: reportOf('content-protect', snapshot), force: true } } as SiteEvent,
      ]);
      expect((event.data as { report: { blocked: boolean } }).report.blocked).toBe(true);
    });
    it('given the same request while it runs, then nothing', () => {
      given(siteDecider, PROMOTING).when(promote()).then([]);
    });
    it('given another operation running, then SITE_BUSY', () => {
      given(siteDecider, PROMOTING).when(promote({ promotionId: 'p2' })).thenThrows(RuleViolation, 'SITE_BUSY');
    });
    it('given bad input, then VALIDATION_FAILED or NOT_FOUND and no event', () => {
      given(siteDecider, ACTIVE).when(promote({ preset: 'everything' })).thenThrows(InvalidValue, 'VALIDATION_FAILED');
      given(siteDecider, ACTIVE).when(promote({ extraContentTables: ['wp_x; DROP'] })).thenThrows(InvalidValue, 'VALIDATION_FAILED');
      given(siteDecider, ACTIVE).when(promote({ environment: 'qa' })).thenThrows(NotFound, 'NOT_FOUND');
      given(siteDecider, ACTIVE).when(promote({ target: 'qa' })).thenThrows(NotFound, 'NOT_FOUND');
    });
    it('given an environment that is not a clone of the target, then PROMOTION_TARGET_NOT_SOURCE', () => {
      given(siteDecider, ACTIVE).when(promote({ environment: env, target: 'staging' })).thenThrows(RuleViolation, 'PROMOTION_TARGET_NOT_SOURCE', SITE_RULES.promotionNeedsCloneOfTarget);
    });
    it('given a baseline without a prefix (an older clone), then BASELINE_OUTDATED', () => {
      const old = [created, provisioned, cloned[0], { ...cloned[1], data: { ...(cloned[1].data as object), baseline: { ...baseline, prefix: undefined } } } as SiteEvent];
      given(siteDecider, old).when(promote()).thenThrows(RuleViolation, 'BASELINE_OUTDATED');
    });
    it('given a running backup, then BACKUP_RUNNING', () => {
      const running: SiteEvent = { type: 'BackupRequested', data: { siteId, environment: env, backupId: 'b9', scope: 'db' } };
      given(siteDecider, [...ACTIVE, running]).when(promote()).thenThrows(RuleViolation, 'BACKUP_RUNNING', SITE_RULES.oneBackupAtATime);
    });
  });

  describe('the guard: nothing is overwritten before the promotion’s own backup of the target succeeded', () => {
    it('given no backup recorded, when the job asks to overwrite, then PRE_PROMOTION_BACKUP_MISSING', () => {
      given(siteDecider, PROMOTING)
        .when(cmd('AuthorizePromotionOverwrite', { promotionId: 'p1' }))
        .thenThrows(RuleViolation, 'PRE_PROMOTION_BACKUP_MISSING', SITE_RULES.promotionOverwritesOnlyAfterItsBackup);
    });
    it('given the backup recorded, then PromotionOverwriteAuthorized (once)', () => {
      given(siteDecider, PROMOTING).when(cmd('RecordPrePromotionBackup', { promotionId: 'p1', contents: backupContents() })).then([backedUp]);
      given(siteDecider, [...PROMOTING, backedUp]).when(cmd('AuthorizePromotionOverwrite', { promotionId: 'p1' })).then([authorized]);
      given(siteDecider, AUTHORIZED).when(cmd('AuthorizePromotionOverwrite', { promotionId: 'p1' })).then([]);
    });
    it('given a promotion that is not running, then PRE_PROMOTION_BACKUP_MISSING', () => {
      given(siteDecider, ACTIVE).when(cmd('AuthorizePromotionOverwrite', { promotionId: 'p1' })).thenThrows(RuleViolation, 'PRE_PROMOTION_BACKUP_MISSING');
    });
    it('given success reported without an authorized overwrite, then it is recorded as a failure (FAILED)', () => {
      given(siteDecider, PROMOTING)
        .when(cmd('CompletePromotion', { promotionId: 'p1', releaseId: 'r0', tables: [], uploadsCopied: false, baseline: null }))
        .thenState({ state: 'FAILED', lastError: expect.objectContaining({ code: 'PRE_PROMOTION_BACKUP_MISSING' }) });
    });
    it('given a failure before the authorization, then it is pre-overwrite whatever the job said (ACTIVE)', () => {
      given(siteDecider, PROMOTING)
        .when(cmd('FailPromotion', { promotionId: 'p1', error, phase: 'post-overwrite', rolledBack: true, rollbackError: null }))
        .thenState({ state: 'ACTIVE' });
    });
  });

  describe('outcomes', () => {
    it('given an authorized overwrite, when completed, then ACTIVE, the target on the release, and the clone compared against the target as it is now', () => {
      const state = given(siteDecider, AUTHORIZED)
        .when(cmd('CompletePromotion', { promotionId: 'p1', releaseId: 'r0', tables: ['wp_options'], uploadsCopied: true, baseline: after }))
        .thenState({ state: 'ACTIVE' });
      expect(state.environments.staging.clonedFrom).toEqual({ environment: env, baseline: after });
      expect(state.environments[env].currentReleaseId).toBe('r0');
    });
    it('given a failure after overwriting that was put back, then ACTIVE (promote.rolled-back); not put back, then FAILED', () => {
      given(siteDecider, AUTHORIZED).when(cmd('FailPromotion', { promotionId: 'p1', error, phase: 'post-overwrite', rolledBack: true, rollbackError: null })).thenState({ state: 'ACTIVE' });
      given(siteDecider, AUTHORIZED).when(cmd('FailPromotion', { promotionId: 'p1', error, phase: 'post-overwrite', rolledBack: false, rollbackError: error })).thenState({ state: 'FAILED' });
    });
    it('given a failed promotion, when retried, then PROMOTING again with a new backup id and no authorization', () => {
      const failed: SiteEvent = {
        type: 'PromotionFailed',
        data: { siteId, promotionId: 'p1', environment: 'staging', target: env, prePromotionBackupId: 'id-1', error, phase: 'post-overwrite', rolledBack: false, rollbackError: error },
      };
      given(siteDecider, [...AUTHORIZED, failed])
        .when(cmd('RequestSiteRetry', {}))
        .then([{ type: 'SiteRetryRequested', data: { siteId, operation: 'promote', promotionId: 'p1', prePromotionBackupId: 'id-1' } }]);
      const state = given(siteDecider, [...AUTHORIZED, failed]).when(cmd('RequestSiteRetry', {}), { now: '2026-12-03T13:00:00.000Z', newId: () => 'b2' }).thenState({ state: 'PROMOTING' });
      expect(state.lastPromotion).toMatchObject({ prePromotionBackupId: 'b2', overwriteAuthorized: false, retried: true });
    });
  });

  describe('the https switch of the source (RecordHttpsSwitch): not drift', () => {
    // the certificate job's snapshots of production right before and right after its URL rewrite
    const before = snapshotWith();
    const switched: DriftBaseline = {
      ...before,
      takenAt: '2026-12-03T11:00:05.000Z',
      tables: before.tables.map((t) => (t.name === 'wp_options' || t.name === 'wp_posts' ? { ...t, checksum: `${t.checksum}-https` } : t)),
    };
    const record = (over: Partial<{ environment: string; before: DriftBaseline; after: DriftBaseline }> = {}) =>
      cmd('RecordHttpsSwitch', { environment: env, before, after: switched, ...over });
    const advanced = (baselineNow: DriftBaseline, tables: string[]): SiteEvent => ({
      type: 'CloneBaselineAdvanced',
      data: { siteId, environment: 'staging', source: env, reason: 'https-switch', tables, baseline: baselineNow },
    });

    it('given a clone whose baseline matches the source before the switch, then its baseline takes the switched tables and a promotion sees no drift', () => {
      const moved = { ...baseline, tables: switched.tables };
      given(siteDecider, ACTIVE).when(record()).then([advanced(moved, ['wp_options', 'wp_posts'])]);
      const state = given(siteDecider, ACTIVE).when(record()).thenState({ state: 'ACTIVE' });
      expect(state.environments.staging.clonedFrom).toEqual({ environment: env, baseline: moved });
      // without the switch in the baseline the same snapshot is drift
      expect(reportOf('content-protect', switched).blocked).toBe(true);
      given(siteDecider, [...ACTIVE, advanced(moved, ['wp_options', 'wp_posts'])])
        .when(promote({ snapshot: switched }))
        .then([{ ...requested, data: { ...(requested.data as object), report: promotionDriftReport({ source: 'staging', target: env, preset: 'content-protect', baseline: moved, snapshot: switched, extraContentTables: [] }) } } as SiteEvent]);
    });
    it('given a table that had drifted before the switch, then that table keeps its baseline entry (the drift still shows), the others move', () => {
      const drifted = snapshotWith({ table: 'wp_options', rows: 101 });
      const after: DriftBaseline = { ...switched, tables: switched.tables.map((t) => (t.name === 'wp_options' ? { ...t, rows: 101 } : t)) };
      const [event] = given(siteDecider, ACTIVE).when(record({ before: drifted, after })).then([
        advanced({ ...baseline, tables: baseline.tables.map((t) => (t.name === 'wp_posts' ? { ...t, checksum: '30-https' } : t)) }, ['wp_posts']),
      ]);
      const report = promotionDriftReport({ source: 'staging', target: env, preset: 'content-protect', baseline: (event.data as { baseline: DriftBaseline }).baseline, snapshot: after, extraContentTables: [] });
      expect(report.tables).toEqual([{ name: 'wp_options', change: 'changed', rowsBefore: 100, rowsAfter: 101 }]);
    });
    it('given a switch that changed no table, or a source without clones, or a switch of another environment, then nothing', () => {
      given(siteDecider, ACTIVE).when(record({ after: before })).then([]);
      given(siteDecider, [created, provisioned]).when(record()).then([]);
      given(siteDecider, ACTIVE).when(record({ environment: 'staging' })).then([]);
      given(siteDecider, ACTIVE).when(record({ environment: 'qa' })).then([]);
    });
    it('given a table the switch added or removed, then the baseline adds or drops it', () => {
      const added: DriftBaseline = { ...before, tables: [...before.tables, { name: 'wp_x', rows: 1, checksum: '1' }] };
      given(siteDecider, ACTIVE).when(record({ after: added })).then([advanced({ ...baseline, tables: added.tables }, ['wp_x'])]);
      const removed: DriftBaseline = { ...before, tables: before.tables.filter((t) => t.name !== 'wp_comments') };
      given(siteDecider, ACTIVE).when(record({ after: removed })).then([advanced({ ...baseline, tables: removed.tables }, ['wp_comments'])]);
    });
  });
});
