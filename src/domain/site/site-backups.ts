import { DecideContext } from '../common/domain-event';
import { InvalidValue, NotFound, RuleViolation } from '../common/domain-error';
import { parseEnvironmentName } from '../common/value-objects';
import { canTransition, SITE_BUSY_STATES, SiteLifecycleState, transitionRefused } from './site-lifecycle.state-machine';
import { BACKUP_SCOPES, BackupPurpose, BackupScope, SiteBackupEvent } from './site-backup.events';
import type {
  AuthorizeRestoreOverwrite,
  CompleteBackup,
  CompleteRestore,
  FailBackup,
  FailRestore,
  RecordPreRestoreBackup,
  RequestBackup,
  RequestRestore,
  RetryBackup,
} from './site.commands';
import { SITE_RULES } from './site.rules';

/*
 * Decide functions of backups and restores (docs/backups.md), called by the site decider. A backup is
 * not a lifecycle operation: it changes no state, but only one runs at a time and only while ACTIVE.
 * A restore is: RESTORING, and it may overwrite only after its own pre-restore backup succeeded.
 */

export type BackupState = 'running' | 'completed' | 'failed';

export interface SiteBackup {
  readonly backupId: string;
  readonly environment: string;
  readonly scope: BackupScope;
  readonly state: BackupState;
  readonly purpose: BackupPurpose;
  /** Scheduled backups: when it was requested (what retention sorts by) and the due time it is for. */
  readonly takenAt?: string;
  readonly scheduledFor?: string;
  /** A deletion of it is queued (BackupDeletionRequested): it cannot be restored or deleted again. */
  readonly deleting?: boolean;
}

export interface SiteRestore {
  readonly restoreId: string;
  readonly environment: string;
  readonly backupId: string;
  readonly scope: BackupScope;
  readonly preRestoreBackupId: string;
  /** Set once RestoreOverwriteAuthorized is recorded: the job may overwrite from then on. */
  readonly overwriteAuthorized: boolean;
  readonly startedFromFailed: boolean;
}

/** The part of the site state these functions read. */
export interface BackupSiteView {
  readonly state: SiteLifecycleState | null;
  readonly environments: Readonly<Record<string, unknown>>;
  readonly backups: Readonly<Record<string, SiteBackup>>;
  readonly lastRestore: SiteRestore | null;
}

function environmentName(site: BackupSiteView, siteId: string, name: string): string {
  const environment = parseEnvironmentName(name);
  if (!site.environments[environment]) throw new NotFound('environment', `${siteId}/${environment}`);
  return environment;
}

function runningBackup(site: BackupSiteView): SiteBackup | undefined {
  return Object.values(site.backups).find((b) => b.state === 'running');
}

function refuseWhileBackupRuns(site: BackupSiteView, what: string): void {
  const running = runningBackup(site);
  if (running) {
    throw new RuleViolation(SITE_RULES.oneBackupAtATime, 'BACKUP_RUNNING', `Backup ${running.backupId} is still running; ${what} waits until it finishes`, {
      backupId: running.backupId,
    });
  }
}

export function parseBackupScope(scope: string): BackupScope {
  if (!(BACKUP_SCOPES as readonly string[]).includes(scope)) {
    throw new InvalidValue('scope', `scope must be one of ${BACKUP_SCOPES.join(', ')}`, { rule: SITE_RULES.backupScopeMustBeKnown });
  }
  return scope as BackupScope;
}

export function requestBackup(cmd: RequestBackup, site: BackupSiteView, siteId: string): SiteBackupEvent[] {
  if (site.backups[cmd.backupId]) return []; // a repeat of the request that queued it
  const scope = parseBackupScope(cmd.scope);
  const environment = environmentName(site, siteId, cmd.environment);
  const from = site.state as SiteLifecycleState;
  if (from !== 'ACTIVE') {
    const code = SITE_BUSY_STATES.includes(from) ? 'SITE_BUSY' : 'INVALID_STATE_TRANSITION';
    throw new RuleViolation(SITE_RULES.canBeBackedUpOnlyWhenActive, code, `Site is ${from}; a backup starts only while it is ACTIVE`, { from });
  }
  refuseWhileBackupRuns(site, 'a new backup');
  return [{ type: 'BackupRequested', data: { siteId, environment, backupId: cmd.backupId, scope } }];
}

/** A failed operator backup runs again under its id (same scope, same environment), on the same terms as a new one. */
export function retryBackup(cmd: RetryBackup, site: BackupSiteView, siteId: string): SiteBackupEvent[] {
  const environment = cmd.environment === undefined ? undefined : environmentName(site, siteId, cmd.environment);
  const backup = site.backups[cmd.backupId];
  if (!backup || (environment !== undefined && backup.environment !== environment)) {
    throw new RuleViolation(SITE_RULES.backupRetryNeedsFailedOperatorBackup, 'BACKUP_NOT_FOUND', `${environment ? `Environment ${environment}` : `Site ${siteId}`} has no backup ${cmd.backupId}`, {
      ...(environment ? { environment } : {}),
      backupId: cmd.backupId,
    });
  }
  if (backup.state === 'running') return []; // a repeat: the retry (or the first run) is queued
  if (backup.purpose !== 'operator') {
    throw new RuleViolation(
      SITE_RULES.backupRetryNeedsFailedOperatorBackup,
      'BACKUP_NOT_RETRYABLE',
      `Backup ${cmd.backupId} is a ${backup.purpose} backup; it is taken again by retrying its ${backup.purpose === 'final' ? 'deletion' : 'restore'}`,
      { backupId: cmd.backupId, purpose: backup.purpose },
    );
  }
  if (backup.state !== 'failed') {
    throw new RuleViolation(SITE_RULES.backupRetryNeedsFailedOperatorBackup, 'BACKUP_NOT_RETRYABLE', `Backup ${cmd.backupId} is ${backup.state}; only a failed backup can be retried`, {
      backupId: cmd.backupId,
      backupState: backup.state,
    });
  }
  const from = site.state as SiteLifecycleState;
  if (from !== 'ACTIVE') {
    const code = SITE_BUSY_STATES.includes(from) ? 'SITE_BUSY' : 'INVALID_STATE_TRANSITION';
    throw new RuleViolation(SITE_RULES.canBeBackedUpOnlyWhenActive, code, `Site is ${from}; a backup starts only while it is ACTIVE`, { from });
  }
  refuseWhileBackupRuns(site, 'the retry');
  return [{ type: 'BackupRetryRequested', data: { siteId, environment: backup.environment, backupId: backup.backupId, scope: backup.scope } }];
}

export function completeBackup(cmd: CompleteBackup, site: BackupSiteView, siteId: string): SiteBackupEvent[] {
  const backup = site.backups[cmd.backupId];
  if (backup?.state !== 'running' || backup.purpose === 'pre-restore' || backup.purpose === 'pre-promotion') return [];
  return [
    {
      type: 'BackupCompleted',
      data: { siteId, environment: backup.environment, backupId: backup.backupId, scope: backup.scope, purpose: backup.purpose, restoreId: null, ...cmd.contents },
    },
  ];
}

export function failBackup(cmd: FailBackup, site: BackupSiteView, siteId: string): SiteBackupEvent[] {
  const backup = site.backups[cmd.backupId];
  if (backup?.state !== 'running') return [];
  const scheduled = backup.purpose === 'scheduled' ? { purpose: 'scheduled' as const, ...(backup.scheduledFor ? { scheduledFor: backup.scheduledFor } : {}) } : {};
  return [{ type: 'BackupFailed', data: { siteId, environment: backup.environment, backupId: backup.backupId, error: cmd.error, ...scheduled } }];
}

export function requestRestore(cmd: RequestRestore, site: BackupSiteView, siteId: string, ctx: DecideContext): SiteBackupEvent[] {
  if (site.state === 'RESTORING' && site.lastRestore?.restoreId === cmd.restoreId) return [];
  if (site.state === 'DELETED') {
    throw new RuleViolation(
      SITE_RULES.finalBackupIsNotRestorable,
      'BACKUP_NOT_RESTORABLE',
      `Site ${siteId} was deleted: its final backups are kept on the node (see their locations) and restored by hand (docs/backups.md)`,
      { backupId: cmd.backupId, siteState: 'DELETED' },
    );
  }
  const from = site.state as SiteLifecycleState;
  if (!canTransition(from, 'restore.requested')) throw transitionRefused(from, 'restore.requested', SITE_RULES.canBeRestoredOnlyWhenActiveOrFailed);
  const environment = environmentName(site, siteId, cmd.environment);
  const backup = site.backups[cmd.backupId];
  if (!backup || backup.environment !== environment) {
    throw new RuleViolation(SITE_RULES.restoreNeedsCompletedBackup, 'BACKUP_NOT_FOUND', `Environment ${environment} has no backup ${cmd.backupId}`, {
      environment,
      backupId: cmd.backupId,
    });
  }
  if (backup.purpose === 'final') {
    throw new RuleViolation(
      SITE_RULES.finalBackupIsNotRestorable,
      'BACKUP_NOT_RESTORABLE',
      `Backup ${cmd.backupId} is the final backup of a deletion, kept outside the site's folder; it is restored by hand (docs/backups.md)`,
      { backupId: cmd.backupId, purpose: 'final' },
    );
  }
  if (backup.state !== 'completed' || backup.deleting) {
    const state = backup.deleting ? 'being deleted' : backup.state;
    throw new RuleViolation(SITE_RULES.restoreNeedsCompletedBackup, 'BACKUP_NOT_COMPLETE', `Backup ${cmd.backupId} is ${state}; only a completed backup can be restored`, {
      backupId: cmd.backupId,
      backupState: backup.deleting ? 'deleting' : backup.state,
    });
  }
  refuseWhileBackupRuns(site, 'a restore');
  return [
    {
      type: 'RestoreRequested',
      data: { siteId, environment, restoreId: cmd.restoreId, backupId: backup.backupId, scope: backup.scope, preRestoreBackupId: ctx.newId() },
    },
  ];
}

function runningRestore(site: BackupSiteView, restoreId: string): SiteRestore | null {
  return site.state === 'RESTORING' && site.lastRestore?.restoreId === restoreId ? site.lastRestore : null;
}

export function recordPreRestoreBackup(cmd: RecordPreRestoreBackup, site: BackupSiteView, siteId: string): SiteBackupEvent[] {
  const restore = runningRestore(site, cmd.restoreId);
  if (!restore || site.backups[restore.preRestoreBackupId]) return [];
  return [
    {
      type: 'BackupCompleted',
      data: {
        siteId,
        environment: restore.environment,
        backupId: restore.preRestoreBackupId,
        scope: restore.scope,
        purpose: 'pre-restore',
        restoreId: restore.restoreId,
        ...cmd.contents,
      },
    },
  ];
}

/** The guard: the running restore's pre-restore backup must have completed before anything is overwritten. */
export function authorizeRestoreOverwrite(cmd: AuthorizeRestoreOverwrite, site: BackupSiteView, siteId: string): SiteBackupEvent[] {
  const restore = runningRestore(site, cmd.restoreId);
  if (!restore) {
    throw new RuleViolation(SITE_RULES.restoreOverwritesOnlyAfterPreRestoreBackup, 'PRE_RESTORE_BACKUP_MISSING', `Restore ${cmd.restoreId} is not running`, {
      restoreId: cmd.restoreId,
    });
  }
  if (restore.overwriteAuthorized) return [];
  if (site.backups[restore.preRestoreBackupId]?.state !== 'completed') {
    throw new RuleViolation(
      SITE_RULES.restoreOverwritesOnlyAfterPreRestoreBackup,
      'PRE_RESTORE_BACKUP_MISSING',
      `Restore ${cmd.restoreId} may overwrite only after its pre-restore backup ${restore.preRestoreBackupId} succeeded`,
      { restoreId: cmd.restoreId, preRestoreBackupId: restore.preRestoreBackupId },
    );
  }
  return [{ type: 'RestoreOverwriteAuthorized', data: { siteId, environment: restore.environment, restoreId: restore.restoreId, preRestoreBackupId: restore.preRestoreBackupId } }];
}

/**
 * A success report without an authorized overwrite breaks the job contract: it is recorded as a
 * failure (FAILED, for an operator to look at), never as a restore that happened.
 */
export function completeRestore(cmd: CompleteRestore, site: BackupSiteView, siteId: string): SiteBackupEvent[] {
  const restore = runningRestore(site, cmd.restoreId);
  if (!restore) return [];
  const ref = { siteId, environment: restore.environment, restoreId: restore.restoreId, backupId: restore.backupId, preRestoreBackupId: restore.preRestoreBackupId };
  if (!restore.overwriteAuthorized) {
    return [
      {
        type: 'RestoreFailed',
        data: {
          ...ref,
          error: { code: 'PRE_RESTORE_BACKUP_MISSING', message: 'the restore reported success without an authorized overwrite (no pre-restore backup recorded)' },
          phase: 'post-overwrite',
          rolledBack: false,
          rollbackError: null,
          startedFromFailed: restore.startedFromFailed,
        },
      },
    ];
  }
  return [{ type: 'RestoreCompleted', data: { ...ref, releaseId: cmd.releaseId } }];
}

export function failRestore(cmd: FailRestore, site: BackupSiteView, siteId: string): SiteBackupEvent[] {
  const restore = runningRestore(site, cmd.restoreId);
  if (!restore) return [];
  // Before the authorization the job cannot have overwritten anything, whatever it reports.
  const phase = restore.overwriteAuthorized ? cmd.phase : 'pre-overwrite';
  return [
    {
      type: 'RestoreFailed',
      data: {
        siteId,
        environment: restore.environment,
        restoreId: restore.restoreId,
        backupId: restore.backupId,
        preRestoreBackupId: restore.preRestoreBackupId,
        error: cmd.error,
        phase,
        rolledBack: phase === 'post-overwrite' && cmd.rolledBack,
        rollbackError: phase === 'post-overwrite' ? cmd.rollbackError : null,
        startedFromFailed: restore.startedFromFailed,
      },
    },
  ];
}
