import { DomainEvent } from '../common/domain-event';
import type { RetentionPolicy } from './backup-schedule';
import type { BackupScope } from './site-backup.events';
import type { OperationError } from './operation-error';

/*
 * Backup schedules, missed due times and backup deletions on the `site-<id>` stream
 * (docs/backups.md, "Schedules and retention"). Type strings are stable: never rename one that has shipped.
 */

export interface BackupScheduleSetData {
  readonly siteId: string;
  readonly environment: string;
  readonly cron: string;
  readonly timeZone: string;
  readonly scope: BackupScope;
  readonly retention: RetentionPolicy;
  /** Due times from this instant on count (a new schedule does not catch up on the past). */
  readonly effectiveFrom: string;
}
export interface BackupScheduleRemovedData {
  readonly siteId: string;
  readonly environment: string;
}
/**
 * Due times that passed without a backup (the control plane was down, or the site was busy or not
 * ACTIVE): only the newest of them is caught up (`caughtUpDueAt`, its BackupRequested follows).
 */
export interface BackupScheduleMissedData {
  readonly siteId: string;
  readonly environment: string;
  readonly missedCount: number;
  /** The missed due times, oldest first (at most the first 20). */
  readonly missed: readonly string[];
  readonly caughtUpDueAt: string;
}
/** retention: the schedule's policy after a scheduled backup completed; operator: `backup delete`. */
export type BackupDeletionReason = 'retention' | 'operator';
export interface BackupDeletionRequestedData {
  readonly siteId: string;
  readonly environment: string;
  readonly deletionId: string;
  readonly backupIds: readonly string[];
  readonly reason: BackupDeletionReason;
  /** retention: the scheduled backup whose completion applied the policy. */
  readonly afterBackupId: string | null;
}
/** The backup's folder is gone from the node; it is no longer listed. */
export interface BackupDeletedData {
  readonly siteId: string;
  readonly environment: string;
  readonly backupId: string;
  readonly deletionId: string;
  readonly reason: BackupDeletionReason;
}
export interface BackupDeletionFailedData {
  readonly siteId: string;
  readonly environment: string;
  readonly deletionId: string;
  readonly backupIds: readonly string[];
  readonly error: OperationError;
}

export type BackupScheduleSet = DomainEvent<'BackupScheduleSet', BackupScheduleSetData>;
export type BackupScheduleRemoved = DomainEvent<'BackupScheduleRemoved', BackupScheduleRemovedData>;
export type BackupScheduleMissed = DomainEvent<'BackupScheduleMissed', BackupScheduleMissedData>;
export type BackupDeletionRequested = DomainEvent<'BackupDeletionRequested', BackupDeletionRequestedData>;
export type BackupDeleted = DomainEvent<'BackupDeleted', BackupDeletedData>;
export type BackupDeletionFailed = DomainEvent<'BackupDeletionFailed', BackupDeletionFailedData>;

export type SiteBackupScheduleEvent =
  | BackupScheduleSet
  | BackupScheduleRemoved
  | BackupScheduleMissed
  | BackupDeletionRequested
  | BackupDeleted
  | BackupDeletionFailed;

export const SITE_BACKUP_SCHEDULE_EVENT_TYPES = [
  'BackupScheduleSet',
  'BackupScheduleRemoved',
  'BackupScheduleMissed',
  'BackupDeletionRequested',
  'BackupDeleted',
  'BackupDeletionFailed',
] as const;
