import type { CommandMeta } from '../../common/command-meta';

/** An operator re-pins a node's host key: the given fingerprint, or the key the node presents now. */
export class RepinNodeHostKeyCommand {
  constructor(
    readonly nodeId: string,
    readonly fingerprint: string | undefined,
    readonly meta: CommandMeta,
  ) {}
}
