import type { CommandMeta } from '../../common/command-meta';

/** Operator action: leave FAILED after a passing health check. */
export class RequestSiteResetCommand {
  constructor(
    readonly siteId: string,
    readonly reason: string | undefined,
    readonly meta: CommandMeta,
  ) {}
}
