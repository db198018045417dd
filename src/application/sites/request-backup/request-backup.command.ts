import type { CommandMeta } from '../../common/command-meta';

/** Back an environment up now: `db`, `files` (shared/ and the current release) or `full`. */
export class RequestBackupCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly scope: string,
    readonly meta: CommandMeta,
  ) {}
}
