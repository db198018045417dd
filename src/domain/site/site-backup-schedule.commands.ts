import type { OperationError } from './operation-error';
import type { BackupDeletionReason } from './site-backup-schedule.events';

/** Set or replace an environment's backup schedule (the application says whether the cron expression parsed). */
export interface SetBackupSchedule {
  readonly type: 'SetBackupSchedule';
  readonly siteId: string;
  readonly environment: string;
  readonly cron: string;
  /** IANA name; UTC when absent. */
  readonly timeZone?: string;
  /** db | files | full; full when absent. */
  readonly scope?: string;
  readonly retention: unknown;
  /** Why cron-parser refused the expression, or null when it parsed. */
  readonly cronProblem: string | null;
}
export interface RemoveBackupSchedule {
  readonly type: 'RemoveBackupSchedule';
  readonly siteId: string;
  readonly environment: string;
}
/** The scheduler: the schedule came due at `dueAt`; `missed` are earlier due times since the last request (oldest first). */
export interface RequestScheduledBackup {
  readonly type: 'RequestScheduledBackup';
  readonly siteId: string;
  readonly environment: string;
  readonly backupId: string;
  readonly dueAt: string;
  readonly missed: readonly string[];
  /** How many due times were missed (`missed` may list only the first ones). */
  readonly missedCount: number;
}
/** Delete one backup of an environment (its folder on the node and its listing). */
export interface RequestBackupDeletion {
  readonly type: 'RequestBackupDeletion';
  readonly siteId: string;
  /** When given, the backup must be one of this environment; else the backup's own environment. */
  readonly environment?: string;
  readonly backupId: string;
  readonly deletionId: string;
}
/** Run a failed deletion again (a retry of its site.backup-prune job): the backups it named that still exist. */
export interface RetryBackupDeletion {
  readonly type: 'RetryBackupDeletion';
  readonly siteId: string;
  /** The deletion that failed, and what it named (from its job). */
  readonly failedDeletionId: string;
  readonly environment: string;
  readonly backupIds: readonly string[];
  readonly reason: BackupDeletionReason;
  /** The new deletion's id. */
  readonly deletionId: string;
}
export interface CompleteBackupDeletion {
  readonly type: 'CompleteBackupDeletion';
  readonly siteId: string;
  readonly deletionId: string;
}
export interface FailBackupDeletion {
  readonly type: 'FailBackupDeletion';
  readonly siteId: string;
  readonly deletionId: string;
  readonly error: OperationError;
}

export type BackupScheduleCommand =
  | SetBackupSchedule
  | RemoveBackupSchedule
  | RequestScheduledBackup
  | RequestBackupDeletion
  | RetryBackupDeletion
  | CompleteBackupDeletion
  | FailBackupDeletion;
