import type { CommandMeta } from '../../common/command-meta';

/** Run a failed backup again under the same id (same environment and scope): page, API, CLI and job retry. */
export class RetryBackupCommand {
  constructor(
    readonly siteId: string,
    /** undefined: the backup's own (a backup id is unique within its site). */
    readonly environment: string | undefined,
    readonly backupId: string,
    readonly meta: CommandMeta,
  ) {}
}
