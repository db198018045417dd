import type { CommandMeta } from '../../common/command-meta';

/** A new environment `name` of the site, copied from `sourceEnvironment` on its node, served at `domain`. */
export class RequestEnvironmentCloneCommand {
  constructor(
    readonly siteId: string,
    readonly input: { readonly name: string; readonly sourceEnvironment: string; readonly nodeId?: string; readonly domain: string },
    readonly meta: CommandMeta,
  ) {}
}
