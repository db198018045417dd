import type { CommandMeta } from '../../common/command-meta';

/** Remove an environment's backup schedule (its backups stay). */
export class RemoveBackupScheduleCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly meta: CommandMeta,
  ) {}
}
