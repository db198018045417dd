import type { CommandMeta } from '../../common/command-meta';

/** Delete one backup: its folder on the node (site.backup-prune) and then its listing. */
export class RequestBackupDeletionCommand {
  constructor(
    readonly siteId: string,
    /** null: the backup's own environment. */
    readonly environment: string | null,
    readonly backupId: string,
    readonly meta: CommandMeta,
  ) {}
}
