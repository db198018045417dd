import type { CommandMeta } from '../../common/command-meta';

/** Check a node now (the scheduler does the same periodically). */
export class RequestNodeHealthCheckCommand {
  constructor(
    readonly nodeId: string,
    readonly meta: CommandMeta,
  ) {}
}
