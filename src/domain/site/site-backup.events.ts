import { DomainEvent } from '../common/domain-event';
import type { OperationError } from './operation-error';

/*
 * Backup and restore events of the `site-<id>` stream (docs/backups.md). A backup changes no
 * lifecycle state; a restore is RESTORING until RestoreCompleted or RestoreFailed. Type strings are
 * stable: never rename one that has shipped.
 */

export const BACKUP_SCOPES = ['db', 'files', 'full'] as const;
/** db: the database dump; files: shared/ (uploads, wp-config.php) and the current release's code; full: both. */
export type BackupScope = (typeof BACKUP_SCOPES)[number];

/**
 * operator: asked for (API, CLI, page); pre-restore: taken by a restore job before it overwrote
 * anything; scheduled: requested by the backup scheduler (the only ones retention deletes); final: taken by
 * a site deletion before it removed anything, kept outside the site's folder for
 * PRESSLUFT_DELETED_SITE_BACKUP_DAYS (docs/backups.md).
 */
export type BackupPurpose = 'operator' | 'pre-restore' | 'pre-promotion' | 'scheduled' | 'final';

/** One file of a backup, as its manifest records it. */
export interface BackupPart {
  /** db | files | code */
  readonly name: string;
  readonly file: string;
  readonly size: number;
  readonly sha256: string;
}

/** Where one copy of a backup lives: the environment's node, and the node's restic repository when it has one. */
export type BackupLocation = NodeBackupLocation | ResticBackupLocation;

export interface NodeBackupLocation {
  readonly kind: 'node';
  readonly nodeId: string;
  readonly path: string;
}

/**
 * One restic snapshot (tagged pl-backup=<backupId>) in the repository the node had when the backup was
 * taken. It holds the uncompressed parts; `parts` are their sizes and sha256s, which a restore from it
 * verifies before anything is overwritten.
 */
export interface ResticBackupLocation {
  readonly kind: 'restic';
  readonly nodeId: string;
  readonly repositoryId: string;
  readonly url: string;
  readonly snapshotId: string;
  readonly parts: readonly BackupPart[];
}

/** What a finished backup holds, from its manifest. */
export interface BackupContents {
  readonly parts: readonly BackupPart[];
  /** Sum of the parts' sizes (bytes). */
  readonly size: number;
  readonly locations: readonly BackupLocation[];
  /** The release that was current (its code is the `code` part). */
  readonly releaseId: string | null;
  readonly wordpressVersion: string | null;
  readonly tableCount: number;
}

export interface BackupRequestedData {
  readonly siteId: string;
  readonly environment: string;
  readonly backupId: string;
  readonly scope: BackupScope;
  /** Set only on scheduled backups (absent: operator). */
  readonly purpose?: 'scheduled';
  /** Scheduled: the due time it was requested for, and when it was requested (retention's taken-at). */
  readonly scheduledFor?: string;
  readonly requestedAt?: string;
}
export interface BackupCompletedData extends BackupContents {
  readonly siteId: string;
  readonly environment: string;
  readonly backupId: string;
  readonly scope: BackupScope;
  readonly purpose: BackupPurpose;
  /** Set for a pre-restore backup: the restore that took it. */
  readonly restoreId: string | null;
  /** Set for a pre-promotion backup: the promotion that took it. */
  readonly promotionId?: string;
  /** Set for a final backup: the deletion that took it (absent in events recorded before final backups). */
  readonly deletionId?: string | null;
}
/** An operator retries a failed backup: the same backup id runs again (a new job). */
export interface BackupRetryRequestedData {
  readonly siteId: string;
  readonly environment: string;
  readonly backupId: string;
  readonly scope: BackupScope;
}
export interface BackupFailedData {
  readonly siteId: string;
  readonly environment: string;
  readonly backupId: string;
  readonly error: OperationError;
  /** Set only when a scheduled backup failed (the dashboard shows those). */
  readonly purpose?: 'scheduled';
  readonly scheduledFor?: string;
}
export interface RestoreRequestedData {
  readonly siteId: string;
  readonly environment: string;
  readonly restoreId: string;
  readonly backupId: string;
  readonly scope: BackupScope;
  /** The id the pre-restore backup of this restore gets. */
  readonly preRestoreBackupId: string;
}
/** The guard of issue 10 item 6: the pre-restore backup succeeded, so the job may now overwrite. */
export interface RestoreOverwriteAuthorizedData {
  readonly siteId: string;
  readonly environment: string;
  readonly restoreId: string;
  readonly preRestoreBackupId: string;
}
export interface RestoreCompletedData {
  readonly siteId: string;
  readonly environment: string;
  readonly restoreId: string;
  readonly backupId: string;
  readonly preRestoreBackupId: string;
  /** The release current after the restore (the backup's). */
  readonly releaseId: string | null;
}
/**
 * pre-overwrite: nothing was overwritten (the pre-restore backup failed, or a part failed its
 * checksum). post-overwrite: the restore overwrote and then failed; `rolledBack` says whether the
 * pre-restore backup was put back, `rollbackError` why not.
 */
export type RestorePhase = 'pre-overwrite' | 'post-overwrite';
export interface RestoreFailedData {
  readonly siteId: string;
  readonly environment: string;
  readonly restoreId: string;
  readonly backupId: string;
  readonly preRestoreBackupId: string;
  readonly error: OperationError;
  readonly phase: RestorePhase;
  readonly rolledBack: boolean;
  readonly rollbackError: OperationError | null;
  /** The restore began in FAILED (a restore or retry from there): every failure leaves it FAILED. */
  readonly startedFromFailed: boolean;
}

export type BackupRequested = DomainEvent<'BackupRequested', BackupRequestedData>;
export type BackupCompleted = DomainEvent<'BackupCompleted', BackupCompletedData>;
export type BackupFailed = DomainEvent<'BackupFailed', BackupFailedData>;
export type BackupRetryRequested = DomainEvent<'BackupRetryRequested', BackupRetryRequestedData>;
export type RestoreRequested = DomainEvent<'RestoreRequested', RestoreRequestedData>;
export type RestoreOverwriteAuthorized = DomainEvent<'RestoreOverwriteAuthorized', RestoreOverwriteAuthorizedData>;
export type RestoreCompleted = DomainEvent<'RestoreCompleted', RestoreCompletedData>;
export type RestoreFailed = DomainEvent<'RestoreFailed', RestoreFailedData>;

export type SiteBackupEvent =
  | BackupRequested
  | BackupCompleted
  | BackupFailed
  | BackupRetryRequested
  | RestoreRequested
  | RestoreOverwriteAuthorized
  | RestoreCompleted
  | RestoreFailed;
