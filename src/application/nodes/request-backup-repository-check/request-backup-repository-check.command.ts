import type { CommandMeta } from '../../common/command-meta';

/** Run `restic check` on the node's repository now (POST /nodes/{id}/backup-repository/check). */
export class RequestBackupRepositoryCheckCommand {
  constructor(
    readonly nodeId: string,
    readonly meta: CommandMeta,
  ) {}
}
