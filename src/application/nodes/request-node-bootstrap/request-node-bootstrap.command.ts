import type { CommandMeta } from '../../common/command-meta';

/** Re-run the idempotent bootstrap playbook on a node (after a failure, or to converge drift). */
export class RequestNodeBootstrapCommand {
  constructor(
    readonly nodeId: string,
    readonly meta: CommandMeta,
  ) {}
}
