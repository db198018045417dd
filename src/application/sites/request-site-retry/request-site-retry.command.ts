import type { CommandMeta } from '../../common/command-meta';

/** Operator action: re-run the operation that left the site FAILED. */
export class RequestSiteRetryCommand {
  constructor(
    readonly siteId: string,
    readonly meta: CommandMeta,
  ) {}
}
