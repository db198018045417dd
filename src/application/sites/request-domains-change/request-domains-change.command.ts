import type { CommandMeta } from '../../common/command-meta';

/** Set an environment's primary domain and aliases (aliases answer 301 to the primary). */
export class RequestDomainsChangeCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly primary: string,
    readonly aliases: readonly string[],
    readonly meta: CommandMeta,
  ) {}
}
