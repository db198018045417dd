import type { CommandMeta } from '../../common/command-meta';

/** Cooperative cancel: a queued job is cancelled at once, a running one is asked to stop. */
export class CancelJobCommand {
  constructor(
    readonly jobId: string,
    readonly meta: CommandMeta,
  ) {}
}
