import type { CommandMeta } from '../../common/command-meta';

/** Restore an environment from one of its completed backups (a pre-restore backup is taken first). */
export class RequestRestoreCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly backupId: string,
    readonly meta: CommandMeta,
  ) {}
}
