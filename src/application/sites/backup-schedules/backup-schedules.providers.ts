import type { Provider } from '@nestjs/common';
import { GetBackupScheduleHandler } from '../get-backup-schedule/get-backup-schedule.handler';
import { PruneSiteBackupsJobHandler } from '../prune-site-backups/prune-site-backups.job-handler';
import { RemoveBackupScheduleHandler } from '../remove-backup-schedule/remove-backup-schedule.handler';
import { RequestBackupDeletionHandler } from '../request-backup-deletion/request-backup-deletion.handler';
import { RunBackupSchedulesHandler } from '../run-backup-schedules/run-backup-schedules.handler';
import { SetBackupScheduleHandler } from '../set-backup-schedule/set-backup-schedule.handler';

/** Backup schedules, the scheduler's rounds, retention's and the operator's backup deletions. */
export const BACKUP_SCHEDULE_APPLICATION_PROVIDERS: Provider[] = [
  SetBackupScheduleHandler,
  RemoveBackupScheduleHandler,
  GetBackupScheduleHandler,
  RunBackupSchedulesHandler,
  RequestBackupDeletionHandler,
  PruneSiteBackupsJobHandler,
];

export const BACKUP_SCHEDULE_JOB_HANDLER_CLASSES = [PruneSiteBackupsJobHandler] as const;
