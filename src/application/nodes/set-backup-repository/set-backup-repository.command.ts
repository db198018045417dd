import type { CommandMeta } from '../../common/command-meta';

export interface BackupRepositoryInput {
  readonly url: unknown;
  readonly password: unknown;
  readonly sftpKey?: unknown;
}

/** Set or replace a node's restic repository (PUT /nodes/{id}/backup-repository). */
export class SetBackupRepositoryCommand {
  constructor(
    readonly nodeId: string,
    readonly input: BackupRepositoryInput,
    readonly meta: CommandMeta,
  ) {}
}
