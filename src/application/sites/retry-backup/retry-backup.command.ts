import type { CommandMeta } from '../../common/command-meta';

/** Run a failed backup again under the same id (same environment and scope): page, API, CLI and job retry. */
export class RetryBackupCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly backupId: string,
    readonly meta: CommandMeta,
  ) {}
}
