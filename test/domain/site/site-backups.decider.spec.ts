import { InvalidValue, NotFound, RuleViolation } from '../../../src/domain/common/domain-error';
import { foldEvents } from '../../../src/domain/common/domain-event';
import { siteDecider } from '../../../src/domain/site/site.decider';
import type { SiteEvent } from '../../../src/domain/site/site.events';
import { SITE_RULES } from '../../../src/domain/site/site.rules';
import { given } from '../../support/decider-spec';
import { backupContents, created, env, error, provisioned, siteId } from './site-fixtures';

const contents = backupContents();

const backupRequested = (backupId = 'b1', scope: 'db' | 'files' | 'full' = 'full'): SiteEvent => ({
  type: 'BackupRequested',
  data: { siteId, environment: env, backupId, scope },
});
const backupCompleted = (backupId = 'b1'): SiteEvent => ({
  type: 'BackupCompleted',
  data: { siteId, environment: env, backupId, scope: 'full', purpose: 'operator', restoreId: null, ...contents },
});
const restoreRequested: SiteEvent = {
  type: 'RestoreRequested',
  data: { siteId, environment: env, restoreId: 'x1', backupId: 'b1', scope: 'full', preRestoreBackupId: 'id-1' },
};
const preRestoreRecorded: SiteEvent = {
  type: 'BackupCompleted',
  data: { siteId, environment: env, backupId: 'id-1', scope: 'full', purpose: 'pre-restore', restoreId: 'x1', ...contents },
};
const authorized: SiteEvent = { type: 'RestoreOverwriteAuthorized', data: { siteId, environment: env, restoreId: 'x1', preRestoreBackupId: 'id-1' } };

const ACTIVE = [created, provisioned];
const BACKED_UP = [...ACTIVE, backupRequested(), backupCompleted()];
const RESTORING = [...BACKED_UP, restoreRequested];
const PRE_BACKED_UP = [...RESTORING, preRestoreRecorded];
const AUTHORIZED = [...PRE_BACKED_UP, authorized];
const restoreRef = { siteId, environment: env, restoreId: 'x1', backupId: 'b1', preRestoreBackupId: 'id-1' };
const failedAfterOverwrite = (rolledBack: boolean): SiteEvent => ({
  type: 'RestoreFailed',
  data: { ...restoreRef, error, phase: 'post-overwrite', rolledBack, rollbackError: rolledBack ? null : error, startedFromFailed: false },
});

describe('site decider: backups', () => {
  it('given an ACTIVE site, when a backup is requested, then BackupRequested and the state stays ACTIVE', () => {
    given(siteDecider, ACTIVE)
      .when({ type: 'RequestBackup', siteId, backupId: 'b1', environment: env, scope: 'full' })
      .then([backupRequested()]);
    given(siteDecider, ACTIVE)
      .when({ type: 'RequestBackup', siteId, backupId: 'b1', environment: env, scope: 'db' })
      .thenState({ state: 'ACTIVE', backups: { b1: { backupId: 'b1', environment: env, scope: 'db', state: 'running', purpose: 'operator' } } });
  });

  it('given a backup request already recorded, when it is repeated, then nothing', () => {
    given(siteDecider, [...ACTIVE, backupRequested()]).when({ type: 'RequestBackup', siteId, backupId: 'b1', environment: env, scope: 'full' }).then([]);
  });

  it('given a running backup, when another one is requested, then BACKUP_RUNNING', () => {
    given(siteDecider, [...ACTIVE, backupRequested()])
      .when({ type: 'RequestBackup', siteId, backupId: 'b2', environment: env, scope: 'db' })
      .thenThrows(RuleViolation, 'BACKUP_RUNNING', SITE_RULES.oneBackupAtATime);
  });

  it('given an unknown scope or environment, then the request is refused', () => {
    given(siteDecider, ACTIVE)
      .when({ type: 'RequestBackup', siteId, backupId: 'b1', environment: env, scope: 'uploads' })
      .thenThrows(InvalidValue, 'VALIDATION_FAILED');
    given(siteDecider, ACTIVE).when({ type: 'RequestBackup', siteId, backupId: 'b1', environment: 'staging', scope: 'db' }).thenThrows(NotFound, 'NOT_FOUND');
  });

  it('given a site mid-operation or FAILED, when a backup is requested, then SITE_BUSY or INVALID_STATE_TRANSITION', () => {
    given(siteDecider, [created])
      .when({ type: 'RequestBackup', siteId, backupId: 'b1', environment: env, scope: 'db' })
      .thenThrows(RuleViolation, 'SITE_BUSY', SITE_RULES.canBeBackedUpOnlyWhenActive);
    given(siteDecider, [created, { type: 'SiteProvisioningFailed', data: { siteId, error } }])
      .when({ type: 'RequestBackup', siteId, backupId: 'b1', environment: env, scope: 'db' })
      .thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', SITE_RULES.canBeBackedUpOnlyWhenActive);
  });

  it('given a running backup, when it completes, then BackupCompleted with its parts and locations; a repeat yields nothing', () => {
    given(siteDecider, [...ACTIVE, backupRequested()]).when({ type: 'CompleteBackup', siteId, backupId: 'b1', contents }).then([backupCompleted()]);
    given(siteDecider, BACKED_UP).when({ type: 'CompleteBackup', siteId, backupId: 'b1', contents }).then([]);
  });

  it('given a running backup, when it fails, then BackupFailed, the site stays ACTIVE without an error, and a new backup may start', () => {
    const failed: SiteEvent = { type: 'BackupFailed', data: { siteId, environment: env, backupId: 'b1', error } };
    given(siteDecider, [...ACTIVE, backupRequested()]).when({ type: 'FailBackup', siteId, backupId: 'b1', error }).then([failed]);
    given(siteDecider, [...ACTIVE, backupRequested(), failed])
      .when({ type: 'RequestBackup', siteId, backupId: 'b2', environment: env, scope: 'db' })
      .thenState({ state: 'ACTIVE', lastError: null });
  });
});

describe('site decider: retry of a failed backup', () => {
  const failed: SiteEvent = { type: 'BackupFailed', data: { siteId, environment: env, backupId: 'b1', error } };
  const FAILED_BACKUP = [...ACTIVE, backupRequested('b1', 'db'), failed];
  const retry = (backupId = 'b1', environment = env) => ({ type: 'RetryBackup' as const, siteId, environment, backupId });
  const retried: SiteEvent = { type: 'BackupRetryRequested', data: { siteId, environment: env, backupId: 'b1', scope: 'db' } };

  it('given a failed operator backup, when it is retried, then BackupRetryRequested under the same id, running again', () => {
    given(siteDecider, FAILED_BACKUP).when(retry()).then([retried]);
    given(siteDecider, FAILED_BACKUP)
      .when(retry())
      .thenState({ state: 'ACTIVE', backups: { b1: { backupId: 'b1', environment: env, scope: 'db', state: 'running', purpose: 'operator' } } });
  });
  it('given no environment, when it is retried, then the backup\'s own (a backup id is unique within its site)', () => {
    given(siteDecider, FAILED_BACKUP).when({ type: 'RetryBackup', siteId, backupId: 'b1' }).then([retried]);
  });
  it('given the retry is queued (running), when it is repeated, then nothing', () => {
    given(siteDecider, [...FAILED_BACKUP, retried]).when(retry()).then([]);
  });
  it('given a retried backup that completes, then it is completed like any other', () => {
    given(siteDecider, [...FAILED_BACKUP, retried]).when({ type: 'CompleteBackup', siteId, backupId: 'b1', contents }).thenState({ backups: { b1: expect.objectContaining({ state: 'completed' }) } });
  });
  it('refuses an unknown id or one of another environment (BACKUP_NOT_FOUND), and an unknown environment (NOT_FOUND)', () => {
    given(siteDecider, FAILED_BACKUP).when(retry('nope')).thenThrows(RuleViolation, 'BACKUP_NOT_FOUND', SITE_RULES.backupRetryNeedsFailedOperatorBackup);
    given(siteDecider, FAILED_BACKUP).when(retry('b1', 'staging')).thenThrows(NotFound, 'NOT_FOUND');
  });
  it('refuses a completed backup, and a pre-restore or final one (BACKUP_NOT_RETRYABLE)', () => {
    given(siteDecider, BACKED_UP).when(retry()).thenThrows(RuleViolation, 'BACKUP_NOT_RETRYABLE', SITE_RULES.backupRetryNeedsFailedOperatorBackup);
    const preRestoreFailed = [...PRE_BACKED_UP, { type: 'BackupFailed', data: { siteId, environment: env, backupId: 'id-1', error } } as SiteEvent];
    given(siteDecider, preRestoreFailed).when(retry('id-1')).thenThrows(RuleViolation, 'BACKUP_NOT_RETRYABLE');
  });
  it('retries only while ACTIVE and no other backup runs (SITE_BUSY, BACKUP_RUNNING)', () => {
    given(siteDecider, [...FAILED_BACKUP, backupRequested('b2')]).when(retry()).thenThrows(RuleViolation, 'BACKUP_RUNNING', SITE_RULES.oneBackupAtATime);
    const restoring = [...FAILED_BACKUP, backupRequested('b2'), backupCompleted('b2'), { ...restoreRequested, data: { ...restoreRequested.data, backupId: 'b2' } } as SiteEvent];
    given(siteDecider, restoring).when(retry()).thenThrows(RuleViolation, 'SITE_BUSY', SITE_RULES.canBeBackedUpOnlyWhenActive);
  });
});

describe('site decider: restores', () => {
  it('given a completed backup, when a restore is requested, then RestoreRequested with a fresh pre-restore backup id and RESTORING', () => {
    given(siteDecider, BACKED_UP).when({ type: 'RequestRestore', siteId, restoreId: 'x1', environment: env, backupId: 'b1' }).then([restoreRequested]);
    given(siteDecider, BACKED_UP)
      .when({ type: 'RequestRestore', siteId, restoreId: 'x1', environment: env, backupId: 'b1' })
      .thenState({ state: 'RESTORING', lastOperation: 'restore' });
  });

  it('given no such backup, or one still running, then BACKUP_NOT_FOUND or BACKUP_NOT_COMPLETE', () => {
    given(siteDecider, BACKED_UP)
      .when({ type: 'RequestRestore', siteId, restoreId: 'x1', environment: env, backupId: 'nope' })
      .thenThrows(RuleViolation, 'BACKUP_NOT_FOUND', SITE_RULES.restoreNeedsCompletedBackup);
    given(siteDecider, [...ACTIVE, backupRequested()])
      .when({ type: 'RequestRestore', siteId, restoreId: 'x1', environment: env, backupId: 'b1' })
      .thenThrows(RuleViolation, 'BACKUP_NOT_COMPLETE', SITE_RULES.restoreNeedsCompletedBackup);
  });

  it('given a backup running beside a completed one, when a restore is requested, then BACKUP_RUNNING', () => {
    given(siteDecider, [...BACKED_UP, backupRequested('b2')])
      .when({ type: 'RequestRestore', siteId, restoreId: 'x1', environment: env, backupId: 'b1' })
      .thenThrows(RuleViolation, 'BACKUP_RUNNING');
  });

  it('given a restore running, when another restore or a backup is requested, then SITE_BUSY; the same restore again yields nothing', () => {
    given(siteDecider, RESTORING)
      .when({ type: 'RequestRestore', siteId, restoreId: 'x2', environment: env, backupId: 'b1' })
      .thenThrows(RuleViolation, 'SITE_BUSY', SITE_RULES.canBeRestoredOnlyWhenActiveOrFailed);
    given(siteDecider, RESTORING).when({ type: 'RequestBackup', siteId, backupId: 'b9', environment: env, scope: 'db' }).thenThrows(RuleViolation, 'SITE_BUSY');
    given(siteDecider, RESTORING).when({ type: 'RequestRestore', siteId, restoreId: 'x1', environment: env, backupId: 'b1' }).then([]);
  });

  it('given the restore has no pre-restore backup yet, when the job asks to overwrite, then PRE_RESTORE_BACKUP_MISSING (the guard)', () => {
    given(siteDecider, RESTORING)
      .when({ type: 'AuthorizeRestoreOverwrite', siteId, restoreId: 'x1' })
      .thenThrows(RuleViolation, 'PRE_RESTORE_BACKUP_MISSING', SITE_RULES.restoreOverwritesOnlyAfterPreRestoreBackup);
    given(siteDecider, BACKED_UP).when({ type: 'AuthorizeRestoreOverwrite', siteId, restoreId: 'x1' }).thenThrows(RuleViolation, 'PRE_RESTORE_BACKUP_MISSING');
  });

  it('given the pre-restore backup is recorded, when the job asks to overwrite, then RestoreOverwriteAuthorized (once)', () => {
    given(siteDecider, RESTORING).when({ type: 'RecordPreRestoreBackup', siteId, restoreId: 'x1', contents }).then([preRestoreRecorded]);
    given(siteDecider, PRE_BACKED_UP).when({ type: 'RecordPreRestoreBackup', siteId, restoreId: 'x1', contents }).then([]);
    given(siteDecider, PRE_BACKED_UP).when({ type: 'AuthorizeRestoreOverwrite', siteId, restoreId: 'x1' }).then([authorized]);
    given(siteDecider, AUTHORIZED).when({ type: 'AuthorizeRestoreOverwrite', siteId, restoreId: 'x1' }).then([]);
  });

  it('given an authorized restore, when it completes, then RestoreCompleted, ACTIVE, and the backup release is current', () => {
    given(siteDecider, AUTHORIZED)
      .when({ type: 'CompleteRestore', siteId, restoreId: 'x1', releaseId: 'r0' })
      .then([{ type: 'RestoreCompleted', data: { ...restoreRef, releaseId: 'r0' } }]);
    const after = given(siteDecider, AUTHORIZED).when({ type: 'CompleteRestore', siteId, restoreId: 'x1', releaseId: 'r0' }).thenState({ state: 'ACTIVE' });
    expect(after.environments[env].currentReleaseId).toBe('r0');
  });

  it('given no authorized overwrite, when the job reports success, then it is recorded as a failure (FAILED), never as a restore', () => {
    const [event] = given(siteDecider, PRE_BACKED_UP).when({ type: 'CompleteRestore', siteId, restoreId: 'x1', releaseId: 'r0' }).then([
      {
        type: 'RestoreFailed',
        data: {
          ...restoreRef,
          error: { code: 'PRE_RESTORE_BACKUP_MISSING', message: 'the restore reported success without an authorized overwrite (no pre-restore backup recorded)' },
          phase: 'post-overwrite',
          rolledBack: false,
          rollbackError: null,
          startedFromFailed: false,
        },
      },
    ]);
    expect(foldEvents(siteDecider, [...PRE_BACKED_UP, event]).state).toBe('FAILED');
  });

  it('given no authorized overwrite, when the job reports a post-overwrite failure, then it is pre-overwrite (refused: ACTIVE)', () => {
    const [event] = given(siteDecider, PRE_BACKED_UP)
      .when({ type: 'FailRestore', siteId, restoreId: 'x1', error, phase: 'post-overwrite', rolledBack: false, rollbackError: error })
      .then([{ type: 'RestoreFailed', data: { ...restoreRef, error, phase: 'pre-overwrite', rolledBack: false, rollbackError: null, startedFromFailed: false } }]);
    expect(foldEvents(siteDecider, [...PRE_BACKED_UP, event]).state).toBe('ACTIVE');
  });

  it('given an authorized restore, when it fails and the pre-restore backup was put back, then ACTIVE; when that failed too, FAILED with both errors', () => {
    given(siteDecider, AUTHORIZED)
      .when({ type: 'FailRestore', siteId, restoreId: 'x1', error, phase: 'post-overwrite', rolledBack: true, rollbackError: null })
      .then([failedAfterOverwrite(true)]);
    expect(foldEvents(siteDecider, [...AUTHORIZED, failedAfterOverwrite(true)]).state).toBe('ACTIVE');
    given(siteDecider, AUTHORIZED)
      .when({ type: 'FailRestore', siteId, restoreId: 'x1', error, phase: 'post-overwrite', rolledBack: false, rollbackError: error })
      .then([failedAfterOverwrite(false)]);
    expect(foldEvents(siteDecider, [...AUTHORIZED, failedAfterOverwrite(false)])).toMatchObject({ state: 'FAILED', lastError: error });
  });

  it('given a restore that failed into FAILED, when retried, then RESTORING with a fresh pre-restore backup to take before any overwrite', () => {
    const history = [...AUTHORIZED, failedAfterOverwrite(false)];
    const [retry] = given(siteDecider, history)
      .when({ type: 'RequestSiteRetry', siteId }, { now: '2025-01-02T00:00:00.000Z', newId: () => 'id-2' })
      .then([retryEvent('id-2')]);
    const state = foldEvents(siteDecider, [...history, retry]);
    expect(state).toMatchObject({ state: 'RESTORING', lastRestore: { preRestoreBackupId: 'id-2', overwriteAuthorized: false, startedFromFailed: true } });
    given(siteDecider, [...history, retry]).when({ type: 'AuthorizeRestoreOverwrite', siteId, restoreId: 'x1' }).thenThrows(RuleViolation, 'PRE_RESTORE_BACKUP_MISSING');
  });

  it('given a restore begun in FAILED, when it is refused before overwriting, then it stays FAILED', () => {
    const broken = [...AUTHORIZED, failedAfterOverwrite(false), retryEvent('id-9')];
    const [event] = given(siteDecider, broken)
      .when({ type: 'FailRestore', siteId, restoreId: 'x1', error, phase: 'pre-overwrite', rolledBack: false, rollbackError: null })
      .then([
        {
          type: 'RestoreFailed',
          data: { ...restoreRef, preRestoreBackupId: 'id-9', error, phase: 'pre-overwrite', rolledBack: false, rollbackError: null, startedFromFailed: true },
        },
      ]);
    expect(foldEvents(siteDecider, [...broken, event]).state).toBe('FAILED');
  });
});

function retryEvent(preRestoreBackupId: string): SiteEvent {
  return { type: 'SiteRetryRequested', data: { siteId, operation: 'restore', restoreId: 'x1', preRestoreBackupId } };
}
