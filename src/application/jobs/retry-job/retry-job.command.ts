import type { CommandMeta } from '../../common/command-meta';

/** Queue a failed or cancelled job again, with its attempts reset. */
export class RetryJobCommand {
  constructor(
    readonly jobId: string,
    readonly meta: CommandMeta,
  ) {}
}
