import type { SiteOperation, SiteTransition } from './site-lifecycle.state-machine';
import type { SiteEvent } from './site.events';

/**
 * The lifecycle transition each site event stands for (SiteCreated starts the machine; null = the
 * event changes no lifecycle state, e.g. a health status change). Used by evolve and the read models.
 */
export function transitionOfSiteEvent(event: SiteEvent): { transition: SiteTransition; retryOf?: SiteOperation } | null {
  switch (event.type) {
    case 'SiteCreated':
    case 'EnvironmentHealthChanged':
    case 'BackupRequested':
    case 'BackupCompleted':
    case 'BackupFailed':
    case 'BackupRetryRequested':
    case 'RestoreOverwriteAuthorized':
    case 'BackupScheduleSet':
    case 'BackupScheduleRemoved':
    case 'BackupScheduleMissed':
    case 'BackupDeletionRequested':
    case 'BackupDeleted':
    case 'BackupDeletionFailed':
    case 'SiteDeletionAuthorized':
    case 'DriftSnapshotTaken':
    case 'CloneBaselineAdvanced':
    case 'PromotionBlocked':
    case 'PromotionOverwriteAuthorized':
      return null;
    case 'PromotionRequested':
      return { transition: 'promote.requested' };
    case 'PromotionCompleted':
      return { transition: 'promote.succeeded' };
    case 'PromotionFailed':
      if (event.data.phase === 'pre-overwrite') return { transition: 'promote.refused' };
      return { transition: event.data.rolledBack ? 'promote.rolled-back' : 'promote.failed' };
    case 'RestoreRequested':
      return { transition: 'restore.requested' };
    case 'RestoreCompleted':
      return { transition: 'restore.succeeded' };
    case 'RestoreFailed':
      // A restore that began in FAILED leaves the site FAILED whatever it got to.
      if (event.data.startedFromFailed) return { transition: 'restore.failed' };
      if (event.data.phase === 'pre-overwrite') return { transition: 'restore.refused' };
      return { transition: event.data.rolledBack ? 'restore.rolled-back' : 'restore.failed' };
    case 'SiteProvisioned':
      return { transition: 'provision.succeeded' };
    case 'SiteProvisioningFailed':
      return { transition: 'provision.failed' };
    case 'DeployRequested':
      return { transition: 'deploy.requested' };
    case 'DeploySucceeded':
      return { transition: 'deploy.succeeded' };
    case 'DeployFailed':
      if (event.data.phase === 'pre-switch') return { transition: 'deploy.refused' };
      return { transition: event.data.rolledBack ? 'deploy.rolled-back' : 'deploy.failed' };
    case 'RollbackRequested':
      return { transition: 'rollback.requested' };
    case 'RollbackSucceeded':
      return { transition: 'rollback.succeeded' };
    case 'RollbackFailed':
      return { transition: event.data.phase === 'pre-switch' ? 'rollback.refused' : 'rollback.failed' };
    case 'DomainsChangeRequested':
      return { transition: 'domains.requested' };
    case 'DomainsChanged':
      return { transition: 'domains.succeeded' };
    case 'DomainsChangeFailed':
      return { transition: 'domains.failed' };
    case 'SiteResetRequested':
      return { transition: 'reset.requested' };
    case 'SiteResetSucceeded':
      return { transition: 'reset.succeeded' };
    case 'SiteResetFailed':
      return { transition: 'reset.failed' };
    case 'SiteRetryRequested':
      return { transition: 'retry.requested', retryOf: event.data.operation };
    case 'SiteDeletionRequested':
      return { transition: 'delete.requested' };
    case 'SiteDeleted':
      return { transition: 'delete.succeeded' };
    case 'EnvironmentCloneRequested':
      return { transition: 'clone.requested' };
    case 'EnvironmentCloned':
      return { transition: 'clone.succeeded' };
    case 'EnvironmentCloneFailed':
      return { transition: 'clone.failed' };
    case 'EnvironmentDeletionRequested':
      return { transition: 'environment-delete.requested' };
    case 'EnvironmentDeleted':
      return { transition: 'environment-delete.succeeded' };
    case 'EnvironmentDeletionFailed':
      return { transition: 'environment-delete.failed' };
    case 'SiteDeletionFailed':
      // A deletion that began in FAILED leaves the site FAILED whatever it got to.
      if (event.data.startedFromFailed) return { transition: 'delete.failed' };
      return { transition: event.data.phase === 'pre-removal' ? 'delete.refused' : 'delete.failed' };
  }
}
