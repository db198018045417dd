import type { CommandMeta } from '../../common/command-meta';

/** Roll an environment back to its previous release, or to a named kept one (`force` for a release marked bad). */
export class RequestRollbackCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly releaseId: string | undefined,
    readonly force: boolean,
    readonly meta: CommandMeta,
  ) {}
}
