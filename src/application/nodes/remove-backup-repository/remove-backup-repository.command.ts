import type { CommandMeta } from '../../common/command-meta';

/** Stop sending the node's backups to restic (DELETE /nodes/{id}/backup-repository); the repository itself is left as it is. */
export class RemoveBackupRepositoryCommand {
  constructor(
    readonly nodeId: string,
    readonly meta: CommandMeta,
  ) {}
}
