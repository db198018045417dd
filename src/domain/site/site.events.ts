import { DomainEvent } from '../common/domain-event';
import { PhpVersion } from '../common/value-objects';
import { SiteOperation } from './site-lifecycle.state-machine';
import type { SiteBackupEvent } from './site-backup.events';
import type { SiteBackupScheduleEvent } from './site-backup-schedule.events';
import type { SiteEnvironmentEvent } from './site-environment.events';
import type { SitePromotionEvent } from './site-promotion.events';

/** Events of the `site-<id>` stream. Type strings are stable: never rename one that has shipped. */

export function siteStreamId(siteId: string): string {
  return `site-${siteId}`;
}

export const PRODUCTION_ENVIRONMENT = 'production';

import type { OperationError } from './operation-error';
export type { OperationError } from './operation-error';

export interface EnvironmentSpec {
  readonly name: string;
  /** Used for the Linux user, DB name, paths on the node; equals the site slug for production. */
  readonly envSlug: string;
  readonly nodeId: string;
  readonly domains: readonly string[];
  readonly phpVersion: PhpVersion;
}

/** What to deploy. Described by the application layer (git ref, archive, ...); the domain only records it. */
export type DeploySource = Readonly<Record<string, unknown>>;

export interface SiteCreatedData {
  readonly siteId: string;
  readonly name: string;
  readonly slug: string;
  readonly nodeId: string;
  readonly primaryDomain: string;
  readonly adminEmail: string;
  readonly phpVersion: PhpVersion;
  readonly environment: EnvironmentSpec;
}
export interface SiteProvisionedData {
  readonly siteId: string;
  readonly environment: string;
  readonly releaseId: string | null;
}
export interface SiteProvisioningFailedData {
  readonly siteId: string;
  readonly error: OperationError;
}
export interface DeployRequestedData {
  readonly siteId: string;
  readonly environment: string;
  readonly deploymentId: string;
  readonly source: DeploySource;
}
export interface DeploySucceededData {
  readonly siteId: string;
  readonly environment: string;
  readonly deploymentId: string;
  readonly releaseId: string;
  /** The release that was live before the switch (the rollback target); absent in older events. */
  readonly previousReleaseId?: string | null;
}

/** Where a deploy stopped: its check before the switch refused the release, or after the switch. */
export type DeployPhase = 'pre-switch' | 'post-switch';
export interface DeployFailedData {
  readonly siteId: string;
  readonly environment: string;
  readonly deploymentId: string;
  readonly error: OperationError;
  /** true: the deploy's automatic rollback restored the previous release (site back to ACTIVE). */
  readonly rolledBack: boolean;
  /** pre-switch: nothing live changed (site back to ACTIVE). Absent in older events (= post-switch). */
  readonly phase?: DeployPhase;
  /** The new release; after a rollback it is marked bad on the node. */
  readonly releaseId?: string | null;
}
export interface RollbackRequestedData {
  readonly siteId: string;
  readonly environment: string;
  readonly rollbackId: string;
  readonly targetReleaseId: string;
  /** The release live when the rollback was asked for. */
  readonly fromReleaseId: string;
  /** true: the operator chose a release marked bad. */
  readonly force: boolean;
}
export interface RollbackSucceededData {
  readonly siteId: string;
  readonly environment: string;
  readonly rollbackId: string;
  readonly releaseId: string;
  readonly previousReleaseId: string;
}
export interface RollbackFailedData {
  readonly siteId: string;
  readonly environment: string;
  readonly rollbackId: string;
  readonly error: OperationError;
  /** pre-switch: the node refused before switching, nothing changed (site back to ACTIVE). */
  readonly phase: DeployPhase;
}
export interface DomainsChangeRequestedData {
  readonly siteId: string;
  readonly environment: string;
  readonly changeId: string;
  readonly primary: string;
  readonly aliases: readonly string[];
  readonly previousPrimary: string;
}
export interface DomainsChangedData {
  readonly siteId: string;
  readonly environment: string;
  readonly changeId: string;
  readonly primary: string;
  readonly aliases: readonly string[];
}
export interface DomainsChangeFailedData {
  readonly siteId: string;
  readonly environment: string;
  readonly changeId: string;
  readonly error: OperationError;
}
export type EnvironmentHealthStatus = 'healthy' | 'unhealthy';
/** Recorded only when an environment's health status changes (periodic checks pass silently). */
export interface EnvironmentHealthChangedData {
  readonly siteId: string;
  readonly environment: string;
  readonly status: EnvironmentHealthStatus;
  readonly httpStatus: number | null;
  readonly dbOk: boolean | null;
  readonly reason: string;
}
export interface SiteResetRequestedData {
  readonly siteId: string;
  readonly reason?: string;
}
export interface SiteResetSucceededData {
  readonly siteId: string;
}
export interface SiteResetFailedData {
  readonly siteId: string;
  readonly error: OperationError;
}
export interface SiteRetryRequestedData {
  readonly siteId: string;
  readonly operation: SiteOperation;
  /** Set when operation = 'deploy': the failed deployment being re-run (same id, same source). */
  readonly deploymentId?: string;
  /** Set when operation = 'rollback': the failed rollback being re-run. */
  readonly rollbackId?: string;
  /** Set when operation = 'domains': the failed domain change being re-run. */
  readonly changeId?: string;
  /** Set when operation = 'restore': the failed restore being re-run, and the id of its new pre-restore backup. */
  readonly restoreId?: string;
  readonly preRestoreBackupId?: string;
  /** Set when operation = 'promote': the failed promotion being re-run, and the id of its new backup of the target. */
  readonly promotionId?: string;
  readonly prePromotionBackupId?: string;
  /** Set when operation = 'clone': the failed clone being re-run (same id, same new environment). */
  readonly cloneId?: string;
  /** Set when operation = 'environment-delete': the failed environment deletion being re-run. */
  readonly environmentDeletionId?: string;
  /** Set for 'clone' and 'environment-delete': the environment the operation makes or removes. */
  readonly environment?: string;
}
/** The final backup a deletion takes of one environment before it removes anything (docs/backups.md). */
export interface PlannedFinalBackup {
  readonly environment: string;
  readonly backupId: string;
}
export interface SiteDeletionRequestedData {
  readonly siteId: string;
  readonly environments: readonly string[];
  /** Absent in events recorded before deletions took final backups. */
  readonly deletionId?: string;
  /** One per environment that has a release (an environment never provisioned has nothing to keep). */
  readonly finalBackups?: readonly PlannedFinalBackup[];
}
/** The guard of issue 10 item 6: every planned final backup succeeded, so the job may now remove. */
export interface SiteDeletionAuthorizedData {
  readonly siteId: string;
  readonly deletionId: string;
  readonly finalBackups: readonly PlannedFinalBackup[];
}
export interface SiteDeletedData {
  readonly siteId: string;
  readonly environments: readonly string[];
}
/**
 * pre-removal: nothing was removed (a final backup failed or was missing). post-removal: the removal
 * began and failed. Absent in events recorded before final backups (read as post-removal).
 */
export type DeletionPhase = 'pre-removal' | 'post-removal';
export interface SiteDeletionFailedData {
  readonly siteId: string;
  readonly error: OperationError;
  readonly phase?: DeletionPhase;
  /** The deletion began in FAILED (a delete or retry from there): every failure leaves it FAILED. */
  readonly startedFromFailed?: boolean;
}

export type SiteCreated = DomainEvent<'SiteCreated', SiteCreatedData>;
export type SiteProvisioned = DomainEvent<'SiteProvisioned', SiteProvisionedData>;
export type SiteProvisioningFailed = DomainEvent<'SiteProvisioningFailed', SiteProvisioningFailedData>;
export type DeployRequested = DomainEvent<'DeployRequested', DeployRequestedData>;
export type DeploySucceeded = DomainEvent<'DeploySucceeded', DeploySucceededData>;
export type DeployFailed = DomainEvent<'DeployFailed', DeployFailedData>;
export type RollbackRequested = DomainEvent<'RollbackRequested', RollbackRequestedData>;
export type RollbackSucceeded = DomainEvent<'RollbackSucceeded', RollbackSucceededData>;
export type RollbackFailed = DomainEvent<'RollbackFailed', RollbackFailedData>;
export type DomainsChangeRequested = DomainEvent<'DomainsChangeRequested', DomainsChangeRequestedData>;
export type DomainsChanged = DomainEvent<'DomainsChanged', DomainsChangedData>;
export type DomainsChangeFailed = DomainEvent<'DomainsChangeFailed', DomainsChangeFailedData>;
export type EnvironmentHealthChanged = DomainEvent<'EnvironmentHealthChanged', EnvironmentHealthChangedData>;
export type SiteResetRequested = DomainEvent<'SiteResetRequested', SiteResetRequestedData>;
export type SiteResetSucceeded = DomainEvent<'SiteResetSucceeded', SiteResetSucceededData>;
export type SiteResetFailed = DomainEvent<'SiteResetFailed', SiteResetFailedData>;
export type SiteRetryRequested = DomainEvent<'SiteRetryRequested', SiteRetryRequestedData>;
export type SiteDeletionRequested = DomainEvent<'SiteDeletionRequested', SiteDeletionRequestedData>;
export type SiteDeletionAuthorized = DomainEvent<'SiteDeletionAuthorized', SiteDeletionAuthorizedData>;
export type SiteDeleted = DomainEvent<'SiteDeleted', SiteDeletedData>;
export type SiteDeletionFailed = DomainEvent<'SiteDeletionFailed', SiteDeletionFailedData>;

export type SiteEvent =
  | SiteCreated
  | SiteProvisioned
  | SiteProvisioningFailed
  | DeployRequested
  | DeploySucceeded
  | DeployFailed
  | RollbackRequested
  | RollbackSucceeded
  | RollbackFailed
  | DomainsChangeRequested
  | DomainsChanged
  | DomainsChangeFailed
  | EnvironmentHealthChanged
  | SiteResetRequested
  | SiteResetSucceeded
  | SiteResetFailed
  | SiteRetryRequested
  | SiteDeletionRequested
  | SiteDeletionAuthorized
  | SiteDeleted
  | SiteDeletionFailed
  | SiteBackupEvent
  | SiteBackupScheduleEvent
  | SiteEnvironmentEvent
  | SitePromotionEvent;

export type SiteEventType = SiteEvent['type'];

/** Every site event type; `satisfies` + the registry test keep this list complete. */
export const SITE_EVENT_TYPES = [
  'SiteCreated',
  'SiteProvisioned',
  'SiteProvisioningFailed',
  'DeployRequested',
  'DeploySucceeded',
  'DeployFailed',
  'RollbackRequested',
  'RollbackSucceeded',
  'RollbackFailed',
  'DomainsChangeRequested',
  'DomainsChanged',
  'DomainsChangeFailed',
  'EnvironmentHealthChanged',
  'SiteResetRequested',
  'SiteResetSucceeded',
  'SiteResetFailed',
  'SiteRetryRequested',
  'SiteDeletionRequested',
  'SiteDeletionAuthorized',
  'SiteDeleted',
  'SiteDeletionFailed',
  'BackupRequested',
  'BackupCompleted',
  'BackupFailed',
  'BackupRetryRequested',
  'RestoreRequested',
  'RestoreOverwriteAuthorized',
  'RestoreCompleted',
  'RestoreFailed',
  'BackupScheduleSet',
  'BackupScheduleRemoved',
  'BackupScheduleMissed',
  'BackupDeletionRequested',
  'BackupDeleted',
  'BackupDeletionFailed',
  'EnvironmentCloneRequested',
  'EnvironmentCloned',
  'EnvironmentCloneFailed',
  'EnvironmentDeletionRequested',
  'EnvironmentDeleted',
  'EnvironmentDeletionFailed',
  'DriftSnapshotTaken',
  'CloneBaselineAdvanced',
  'PromotionRequested',
  'PromotionBlocked',
  'PromotionOverwriteAuthorized',
  'PromotionCompleted',
  'PromotionFailed',
] as const satisfies readonly SiteEventType[];
