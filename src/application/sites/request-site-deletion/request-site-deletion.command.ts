import type { CommandMeta } from '../../common/command-meta';

/** Delete the site and everything it owns on its nodes. */
export class RequestSiteDeletionCommand {
  constructor(
    readonly siteId: string,
    readonly meta: CommandMeta,
  ) {}
}
