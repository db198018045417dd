import type { CommandMeta } from '../../common/command-meta';

export interface BackupScheduleInput {
  readonly cron: string;
  readonly timeZone?: string;
  readonly scope?: string;
  readonly retention: unknown;
}

/** Set or replace an environment's backup schedule (PUT …/backup-schedule). */
export class SetBackupScheduleCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly input: BackupScheduleInput,
    readonly meta: CommandMeta,
  ) {}
}
