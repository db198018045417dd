import { RuleViolation } from '../../../src/domain/common/domain-error';
import type { SiteCommand } from '../../../src/domain/site/site.commands';
import { siteDecider } from '../../../src/domain/site/site.decider';
import type { SiteEvent } from '../../../src/domain/site/site.events';
import { SITE_RULES } from '../../../src/domain/site/site.rules';
import { given } from '../../support/decider-spec';
import { backupContents, created, env, error, provisioned, siteId } from './site-fixtures';

/*
 * The deletion's guard of issue 10 item 6 (src/domain/site/site-deletion.ts): a full final backup of
 * every environment, taken by this deletion, before anything is removed (docs/backups.md).
 */

const contents = backupContents('/var/lib/pressluft/deleted-site-backups/shop-id-1');
const cmd = <T extends SiteCommand['type']>(type: T, rest: Omit<Extract<SiteCommand, { type: T }>, 'type' | 'siteId'>) =>
  ({ type, siteId, ...rest }) as Extract<SiteCommand, { type: T }>;

const deployFailed: SiteEvent = {
  type: 'DeployFailed',
  data: { siteId, environment: env, deploymentId: 'd1', error, rolledBack: false, phase: 'post-switch', releaseId: null },
};
const plan = [{ environment: env, backupId: 'id-1' }];
const requested: SiteEvent = { type: 'SiteDeletionRequested', data: { siteId, environments: [env], deletionId: 'id-2', finalBackups: plan } };
const finalRecorded: SiteEvent = {
  type: 'BackupCompleted',
  data: { siteId, environment: env, backupId: 'id-1', scope: 'full', purpose: 'final', restoreId: null, deletionId: 'id-2', ...contents },
};
const authorized: SiteEvent = { type: 'SiteDeletionAuthorized', data: { siteId, deletionId: 'id-2', finalBackups: plan } };

const ACTIVE = [created, provisioned];
const FAILED = [...ACTIVE, { type: 'DeployRequested', data: { siteId, environment: env, deploymentId: 'd1', source: { type: 'git', ref: 'main' } } } as SiteEvent, deployFailed];
const DELETING = [...ACTIVE, requested];
const FINAL_TAKEN = [...DELETING, finalRecorded];
const AUTHORIZED = [...FINAL_TAKEN, authorized];
const DELETING_FROM_FAILED = [...FAILED, requested];

describe('site deletion: final backups before anything is removed', () => {
  describe('RequestSiteDeletion', () => {
    it('plans a full final backup of every environment with a release, and a deletion id', () => {
      given(siteDecider, ACTIVE).when(cmd('RequestSiteDeletion', {})).then([requested]);
    });
    it('waits for a running backup (BACKUP_RUNNING), appending nothing', () => {
      const running = [...ACTIVE, { type: 'BackupRequested', data: { siteId, environment: env, backupId: 'b1', scope: 'db' } } as SiteEvent];
      given(siteDecider, running).when(cmd('RequestSiteDeletion', {})).thenThrows(RuleViolation, 'BACKUP_RUNNING', SITE_RULES.oneBackupAtATime);
    });
  });

  describe('RecordFinalBackup', () => {
    it('given DELETING, when the job took a planned final backup, then BackupCompleted with purpose final and the deletion id', () => {
      given(siteDecider, DELETING).when(cmd('RecordFinalBackup', { deletionId: 'id-2', backupId: 'id-1', contents })).then([finalRecorded]);
      given(siteDecider, DELETING)
        .when(cmd('RecordFinalBackup', { deletionId: 'id-2', backupId: 'id-1', contents }))
        .thenState({ state: 'DELETING', backups: { 'id-1': { backupId: 'id-1', environment: env, scope: 'full', state: 'completed', purpose: 'final' } } });
    });
    it('records nothing for a repeat, an unplanned id, another deletion, or when not deleting', () => {
      given(siteDecider, FINAL_TAKEN).when(cmd('RecordFinalBackup', { deletionId: 'id-2', backupId: 'id-1', contents })).then([]);
      given(siteDecider, DELETING).when(cmd('RecordFinalBackup', { deletionId: 'id-2', backupId: 'other', contents })).then([]);
      given(siteDecider, DELETING).when(cmd('RecordFinalBackup', { deletionId: 'other', backupId: 'id-1', contents })).then([]);
      given(siteDecider, ACTIVE).when(cmd('RecordFinalBackup', { deletionId: 'id-2', backupId: 'id-1', contents })).then([]);
    });
  });

  describe('AuthorizeSiteDeletion (the guard)', () => {
    it('given every planned final backup completed, when the job asks, then SiteDeletionAuthorized', () => {
      given(siteDecider, FINAL_TAKEN).when(cmd('AuthorizeSiteDeletion', { deletionId: 'id-2' })).then([authorized]);
      given(siteDecider, FINAL_TAKEN).when(cmd('AuthorizeSiteDeletion', { deletionId: 'id-2' })).thenState({ state: 'DELETING', lastDeletion: expect.objectContaining({ authorized: true }) });
    });
    it('given the final backup is not recorded, then FINAL_BACKUP_MISSING naming it', () => {
      const err = given(siteDecider, DELETING)
        .when(cmd('AuthorizeSiteDeletion', { deletionId: 'id-2' }))
        .thenThrows(RuleViolation, 'FINAL_BACKUP_MISSING', SITE_RULES.deletionRemovesOnlyAfterFinalBackups);
      expect((err as RuleViolation).details).toEqual({ rule: SITE_RULES.deletionRemovesOnlyAfterFinalBackups, deletionId: 'id-2', environment: env, backupId: 'id-1' });
    });
    it('given the planned id holds a backup that is not this deletion\'s final one, then FINAL_BACKUP_MISSING', () => {
      const operatorUnderThatId = [...DELETING, { ...finalRecorded, data: { ...finalRecorded.data, purpose: 'operator' } } as SiteEvent];
      given(siteDecider, operatorUnderThatId).when(cmd('AuthorizeSiteDeletion', { deletionId: 'id-2' })).thenThrows(RuleViolation, 'FINAL_BACKUP_MISSING');
    });
    it('given an environment with a release that the deletion planned no final backup for, then FINAL_BACKUP_MISSING', () => {
      const unplanned = [...ACTIVE, { type: 'SiteDeletionRequested', data: { siteId, environments: [env], deletionId: 'id-2', finalBackups: [] } } as SiteEvent];
      const err = given(siteDecider, unplanned).when(cmd('AuthorizeSiteDeletion', { deletionId: 'id-2' })).thenThrows(RuleViolation, 'FINAL_BACKUP_MISSING');
      expect((err as RuleViolation).details).toEqual({ rule: SITE_RULES.deletionRemovesOnlyAfterFinalBackups, deletionId: 'id-2', environment: env });
    });
    it('given an environment that never got a release and no plan for it, then it is authorized (nothing to keep)', () => {
      const neverProvisioned = [
        created,
        { type: 'SiteProvisioningFailed', data: { siteId, error } } as SiteEvent,
        { type: 'SiteDeletionRequested', data: { siteId, environments: [env], deletionId: 'id-1', finalBackups: [] } } as SiteEvent,
      ];
      given(siteDecider, neverProvisioned)
        .when(cmd('AuthorizeSiteDeletion', { deletionId: 'id-1' }))
        .then([{ type: 'SiteDeletionAuthorized', data: { siteId, deletionId: 'id-1', finalBackups: [] } }]);
    });
    it('refuses another deletion id, no running deletion, and a deletion recorded before final backups existed', () => {
      given(siteDecider, FINAL_TAKEN).when(cmd('AuthorizeSiteDeletion', { deletionId: 'other' })).thenThrows(RuleViolation, 'FINAL_BACKUP_MISSING');
      given(siteDecider, ACTIVE).when(cmd('AuthorizeSiteDeletion', { deletionId: 'id-2' })).thenThrows(RuleViolation, 'FINAL_BACKUP_MISSING');
      const legacy = [...ACTIVE, { type: 'SiteDeletionRequested', data: { siteId, environments: [env] } } as SiteEvent];
      given(siteDecider, legacy).when(cmd('AuthorizeSiteDeletion', { deletionId: 'id-2' })).thenThrows(RuleViolation, 'FINAL_BACKUP_MISSING');
    });
    it('given it is already authorized, then nothing new', () => {
      given(siteDecider, AUTHORIZED).when(cmd('AuthorizeSiteDeletion', { deletionId: 'id-2' })).then([]);
    });
  });

  describe('CompleteSiteDeletion', () => {
    it('given authorized, then SiteDeleted (DELETED)', () => {
      given(siteDecider, AUTHORIZED).when(cmd('CompleteSiteDeletion', {})).then([{ type: 'SiteDeleted', data: { siteId, environments: [env] } }]);
    });
    it('given no authorization, then a success is recorded as a failure (FINAL_BACKUP_MISSING, FAILED), never as a deletion', () => {
      given(siteDecider, FINAL_TAKEN)
        .when(cmd('CompleteSiteDeletion', {}))
        .then([
          {
            type: 'SiteDeletionFailed',
            data: {
              siteId,
              error: { code: 'FINAL_BACKUP_MISSING', message: 'the deletion reported success without an authorized removal (no final backup recorded)' },
              phase: 'post-removal',
              startedFromFailed: false,
            },
          },
        ]);
      given(siteDecider, FINAL_TAKEN).when(cmd('CompleteSiteDeletion', {})).thenState({ state: 'FAILED', lastError: expect.objectContaining({ code: 'FINAL_BACKUP_MISSING' }) });
    });
    it('given a deletion recorded before final backups existed, then it completes under its old contract', () => {
      const legacy = [...ACTIVE, { type: 'SiteDeletionRequested', data: { siteId, environments: [env] } } as SiteEvent];
      given(siteDecider, legacy).when(cmd('CompleteSiteDeletion', {})).thenState({ state: 'DELETED' });
    });
  });

  describe('FailSiteDeletion', () => {
    const finalFailed = { code: 'FINAL_BACKUP_FAILED', message: 'the final backup of production failed, nothing was removed: disk full' };
    it('given no authorization (a final backup failed), then pre-removal whatever the job says: back to ACTIVE, nothing removed', () => {
      given(siteDecider, DELETING)
        .when(cmd('FailSiteDeletion', { error: finalFailed, phase: 'post-removal' }))
        .then([{ type: 'SiteDeletionFailed', data: { siteId, error: finalFailed, phase: 'pre-removal', startedFromFailed: false } }]);
      given(siteDecider, DELETING).when(cmd('FailSiteDeletion', { error: finalFailed })).thenState({ state: 'ACTIVE', lastError: finalFailed });
    });
    it('given the deletion began in FAILED, then it stays FAILED', () => {
      given(siteDecider, DELETING_FROM_FAILED)
        .when(cmd('FailSiteDeletion', { error: finalFailed }))
        .then([{ type: 'SiteDeletionFailed', data: { siteId, error: finalFailed, phase: 'pre-removal', startedFromFailed: true } }]);
      given(siteDecider, DELETING_FROM_FAILED).when(cmd('FailSiteDeletion', { error: finalFailed })).thenState({ state: 'FAILED' });
    });
    it('given authorized, then the job\'s phase counts (post-removal: FAILED; pre-removal: ACTIVE)', () => {
      given(siteDecider, AUTHORIZED)
        .when(cmd('FailSiteDeletion', { error }))
        .then([{ type: 'SiteDeletionFailed', data: { siteId, error, phase: 'post-removal', startedFromFailed: false } }]);
      given(siteDecider, AUTHORIZED).when(cmd('FailSiteDeletion', { error, phase: 'post-removal' })).thenState({ state: 'FAILED' });
      given(siteDecider, AUTHORIZED).when(cmd('FailSiteDeletion', { error, phase: 'pre-removal' })).thenState({ state: 'ACTIVE' });
    });
    it('given a deletion recorded before final backups existed, then its failure stays post-removal (FAILED)', () => {
      const legacy = [...ACTIVE, { type: 'SiteDeletionRequested', data: { siteId, environments: [env] } } as SiteEvent];
      given(siteDecider, legacy).when(cmd('FailSiteDeletion', { error })).thenState({ state: 'FAILED' });
    });
    it('replays a SiteDeletionFailed recorded before phases existed as delete.failed', () => {
      given(siteDecider, [...DELETING, { type: 'SiteDeletionFailed', data: { siteId, error } } as SiteEvent]).when(cmd('RequestSiteRetry', {})).thenState({ state: 'DELETING' });
    });
  });

  describe('retry of a failed deletion', () => {
    const failedAfterRemoval = [...AUTHORIZED, { type: 'SiteDeletionFailed', data: { siteId, error, phase: 'post-removal', startedFromFailed: false } } as SiteEvent];
    it('keeps the planned final backups, asks again, and counts as begun in FAILED', () => {
      given(siteDecider, failedAfterRemoval).when(cmd('RequestSiteRetry', {})).then([{ type: 'SiteRetryRequested', data: { siteId, operation: 'delete' } }]);
      given(siteDecider, failedAfterRemoval)
        .when(cmd('RequestSiteRetry', {}))
        .thenState({ state: 'DELETING', lastDeletion: { deletionId: 'id-2', finalBackups: plan, authorized: false, startedFromFailed: true } });
    });
    it('is authorized again by the final backup it already has', () => {
      const retried = [...failedAfterRemoval, { type: 'SiteRetryRequested', data: { siteId, operation: 'delete' } } as SiteEvent];
      given(siteDecider, retried).when(cmd('AuthorizeSiteDeletion', { deletionId: 'id-2' })).then([authorized]);
    });
  });

  describe('final backups are not restored by a restore', () => {
    it('refuses to restore a final backup of a refused deletion (BACKUP_NOT_RESTORABLE)', () => {
      const refused = [...FINAL_TAKEN, { type: 'SiteDeletionFailed', data: { siteId, error, phase: 'pre-removal', startedFromFailed: false } } as SiteEvent];
      given(siteDecider, refused)
        .when(cmd('RequestRestore', { restoreId: 'x1', environment: env, backupId: 'id-1' }))
        .thenThrows(RuleViolation, 'BACKUP_NOT_RESTORABLE', SITE_RULES.finalBackupIsNotRestorable);
    });
    it('refuses any restore once the site is deleted (BACKUP_NOT_RESTORABLE, not a bare state error)', () => {
      const deleted = [...AUTHORIZED, { type: 'SiteDeleted', data: { siteId, environments: [env] } } as SiteEvent];
      given(siteDecider, deleted)
        .when(cmd('RequestRestore', { restoreId: 'x1', environment: env, backupId: 'id-1' }))
        .thenThrows(RuleViolation, 'BACKUP_NOT_RESTORABLE', SITE_RULES.finalBackupIsNotRestorable);
    });

    it('given a refused deletion (the site ACTIVE again, its final backup kept), when that final backup is deleted by hand, then BACKUP_IN_USE: it goes by its own retention', () => {
      const refused: SiteEvent = { type: 'SiteDeletionFailed', data: { siteId, error, phase: 'pre-removal', startedFromFailed: false } };
      given(siteDecider, [...FINAL_TAKEN, refused])
        .when(cmd('RequestBackupDeletion', { environment: env, backupId: 'id-1', deletionId: 'del-1' }))
        .thenThrows(RuleViolation, 'BACKUP_IN_USE', SITE_RULES.backupInUseCannotBeDeleted);
    });
  });
});
