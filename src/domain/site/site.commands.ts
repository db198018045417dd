import type { BackupContents, RestorePhase } from './site-backup.events';
import type { PromotionCommand } from './site-promotion.commands';
import type { BackupScheduleCommand } from './site-backup-schedule.commands';
import { DeletionPhase, DeployPhase, DeploySource, OperationError } from './site.events';
import type { DriftBaseline } from './site-environment.events';

/** Commands of the Site aggregate. Each carries `siteId` so a handler knows which stream to load. */

/** The node as the handler looked it up (null when there is no such node). */
export interface NodeLookup {
  readonly id: string;
  readonly status: string;
}

export interface CreateSite {
  readonly type: 'CreateSite';
  readonly siteId: string;
  readonly name: string;
  /** Derived from `name` when absent. */
  readonly slug?: string;
  readonly nodeId: string;
  readonly domain: string;
  readonly adminEmail: string;
  /** Defaults to DEFAULT_PHP_VERSION. */
  readonly phpVersion?: string;
  readonly node: NodeLookup | null;
}
export interface CompleteSiteProvisioning {
  readonly type: 'CompleteSiteProvisioning';
  readonly siteId: string;
  readonly releaseId?: string | null;
}
export interface FailSiteProvisioning {
  readonly type: 'FailSiteProvisioning';
  readonly siteId: string;
  readonly error: OperationError;
}
export interface RequestDeploy {
  readonly type: 'RequestDeploy';
  readonly siteId: string;
  readonly deploymentId: string;
  readonly environment: string;
  readonly source: DeploySource;
}
export interface CompleteDeploy {
  readonly type: 'CompleteDeploy';
  readonly siteId: string;
  readonly deploymentId: string;
  readonly releaseId: string;
}
export interface FailDeploy {
  readonly type: 'FailDeploy';
  readonly siteId: string;
  readonly deploymentId: string;
  readonly error: OperationError;
  readonly rolledBack: boolean;
  /** pre-switch: the release was refused before anything live changed. */
  readonly phase?: DeployPhase;
  readonly releaseId?: string | null;
}
export interface RequestRollback {
  readonly type: 'RequestRollback';
  readonly siteId: string;
  readonly rollbackId: string;
  readonly environment: string;
  /** Absent: the previous release. */
  readonly releaseId?: string;
  /** Allow a release marked bad. */
  readonly force?: boolean;
}
export interface CompleteRollback {
  readonly type: 'CompleteRollback';
  readonly siteId: string;
  readonly rollbackId: string;
}
export interface FailRollback {
  readonly type: 'FailRollback';
  readonly siteId: string;
  readonly rollbackId: string;
  readonly error: OperationError;
  readonly phase: DeployPhase;
}
export interface RequestDomainsChange {
  readonly type: 'RequestDomainsChange';
  readonly siteId: string;
  readonly changeId: string;
  readonly environment: string;
  readonly primary: string;
  readonly aliases: readonly string[];
}
export interface CompleteDomainsChange {
  readonly type: 'CompleteDomainsChange';
  readonly siteId: string;
  readonly changeId: string;
}
export interface FailDomainsChange {
  readonly type: 'FailDomainsChange';
  readonly siteId: string;
  readonly changeId: string;
  readonly error: OperationError;
}
export interface RecordEnvironmentHealth {
  readonly type: 'RecordEnvironmentHealth';
  readonly siteId: string;
  readonly environment: string;
  readonly healthy: boolean;
  readonly httpStatus: number | null;
  readonly dbOk: boolean | null;
  readonly reason: string;
}
export interface RequestSiteReset {
  readonly type: 'RequestSiteReset';
  readonly siteId: string;
  readonly reason?: string;
}
export interface CompleteSiteReset {
  readonly type: 'CompleteSiteReset';
  readonly siteId: string;
}
export interface FailSiteReset {
  readonly type: 'FailSiteReset';
  readonly siteId: string;
  readonly error: OperationError;
}
export interface RequestSiteRetry {
  readonly type: 'RequestSiteRetry';
  readonly siteId: string;
}
export interface RequestSiteDeletion {
  readonly type: 'RequestSiteDeletion';
  readonly siteId: string;
}
export interface CompleteSiteDeletion {
  readonly type: 'CompleteSiteDeletion';
  readonly siteId: string;
}
export interface FailSiteDeletion {
  readonly type: 'FailSiteDeletion';
  readonly siteId: string;
  readonly error: OperationError;
  /** What the job saw; the decider makes it pre-removal when no removal was ever authorized. */
  readonly phase?: DeletionPhase;
}
/** The deletion job took the final backup of one environment (its manifest). */
export interface RecordFinalBackup {
  readonly type: 'RecordFinalBackup';
  readonly siteId: string;
  readonly deletionId: string;
  readonly backupId: string;
  readonly contents: BackupContents;
}
/** The deletion job asks before it removes anything; refused unless every final backup succeeded. */
export interface AuthorizeSiteDeletion {
  readonly type: 'AuthorizeSiteDeletion';
  readonly siteId: string;
  readonly deletionId: string;
}

export interface RequestBackup {
  readonly type: 'RequestBackup';
  readonly siteId: string;
  readonly backupId: string;
  readonly environment: string;
  /** db | files | full (checked by the decider). */
  readonly scope: string;
}
/** Run a failed backup again under the same id. */
export interface RetryBackup {
  readonly type: 'RetryBackup';
  readonly siteId: string;
  /** A backup id is unique within its site; when given, the backup must be of this environment. */
  readonly environment?: string;
  readonly backupId: string;
}
export interface CompleteBackup {
  readonly type: 'CompleteBackup';
  readonly siteId: string;
  readonly backupId: string;
  readonly contents: BackupContents;
}
export interface FailBackup {
  readonly type: 'FailBackup';
  readonly siteId: string;
  readonly backupId: string;
  readonly error: OperationError;
}
export interface RequestRestore {
  readonly type: 'RequestRestore';
  readonly siteId: string;
  readonly restoreId: string;
  readonly environment: string;
  readonly backupId: string;
}
/** The restore job took its pre-restore backup (its manifest). */
export interface RecordPreRestoreBackup {
  readonly type: 'RecordPreRestoreBackup';
  readonly siteId: string;
  readonly restoreId: string;
  readonly contents: BackupContents;
}
/** The restore job asks before it overwrites anything; refused unless its pre-restore backup succeeded. */
export interface AuthorizeRestoreOverwrite {
  readonly type: 'AuthorizeRestoreOverwrite';
  readonly siteId: string;
  readonly restoreId: string;
}
export interface CompleteRestore {
  readonly type: 'CompleteRestore';
  readonly siteId: string;
  readonly restoreId: string;
  readonly releaseId: string | null;
}
export interface FailRestore {
  readonly type: 'FailRestore';
  readonly siteId: string;
  readonly restoreId: string;
  readonly error: OperationError;
  /** What the job saw; the decider makes it pre-overwrite when no overwrite was ever authorized. */
  readonly phase: RestorePhase;
  readonly rolledBack: boolean;
  readonly rollbackError: OperationError | null;
}

/** A new environment copied from `sourceEnvironment` (same node), served at `domain`. */
export interface RequestEnvironmentClone {
  readonly type: 'RequestEnvironmentClone';
  readonly siteId: string;
  readonly cloneId: string;
  readonly name: string;
  readonly sourceEnvironment: string;
  /** Absent: the source's node (the only one supported). */
  readonly nodeId?: string;
  readonly domain: string;
}
export interface CompleteEnvironmentClone {
  readonly type: 'CompleteEnvironmentClone';
  readonly siteId: string;
  readonly cloneId: string;
  readonly releaseId: string | null;
  readonly baseline: DriftBaseline;
}
export interface FailEnvironmentClone {
  readonly type: 'FailEnvironmentClone';
  readonly siteId: string;
  readonly cloneId: string;
  readonly error: OperationError;
}
export interface RequestEnvironmentDeletion {
  readonly type: 'RequestEnvironmentDeletion';
  readonly siteId: string;
  readonly environmentDeletionId: string;
  readonly environment: string;
}
export interface CompleteEnvironmentDeletion {
  readonly type: 'CompleteEnvironmentDeletion';
  readonly siteId: string;
  readonly environmentDeletionId: string;
}
export interface FailEnvironmentDeletion {
  readonly type: 'FailEnvironmentDeletion';
  readonly siteId: string;
  readonly environmentDeletionId: string;
  readonly error: OperationError;
}

export type SiteCommand =
  | CreateSite
  | CompleteSiteProvisioning
  | FailSiteProvisioning
  | RequestDeploy
  | CompleteDeploy
  | FailDeploy
  | RequestRollback
  | CompleteRollback
  | FailRollback
  | RequestDomainsChange
  | CompleteDomainsChange
  | FailDomainsChange
  | RecordEnvironmentHealth
  | RequestSiteReset
  | CompleteSiteReset
  | FailSiteReset
  | RequestSiteRetry
  | RequestSiteDeletion
  | CompleteSiteDeletion
  | FailSiteDeletion
  | RecordFinalBackup
  | AuthorizeSiteDeletion
  | RequestBackup
  | RetryBackup
  | CompleteBackup
  | FailBackup
  | RequestRestore
  | RecordPreRestoreBackup
  | AuthorizeRestoreOverwrite
  | CompleteRestore
  | FailRestore
  | RequestEnvironmentClone
  | CompleteEnvironmentClone
  | FailEnvironmentClone
  | RequestEnvironmentDeletion
  | CompleteEnvironmentDeletion
  | FailEnvironmentDeletion
  | PromotionCommand
  | BackupScheduleCommand;

export type SiteCommandType = SiteCommand['type'];
