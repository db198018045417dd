/** An environment's backup schedule (BACKUP_SCHEDULE_NOT_FOUND when it has none). */
export class GetBackupScheduleQuery {
  constructor(
    readonly siteId: string,
    readonly environment: string,
  ) {}
}
