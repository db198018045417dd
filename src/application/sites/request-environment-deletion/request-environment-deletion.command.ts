import type { CommandMeta } from '../../common/command-meta';

/** Remove one non-production environment of the site from its node, on its own. */
export class RequestEnvironmentDeletionCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly meta: CommandMeta,
  ) {}
}
