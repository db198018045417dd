/** One round of the backup scheduler at `now` (ISO): a backup for every schedule that came due since its last one. */
export class RunBackupSchedulesCommand {
  constructor(readonly now: string) {}
}
