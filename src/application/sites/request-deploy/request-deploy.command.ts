import type { CommandMeta } from '../../common/command-meta';

export class RequestDeployCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly source: Readonly<Record<string, unknown>>,
    readonly meta: CommandMeta,
  ) {}
}
