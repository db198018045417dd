import type { AppendResult } from '../ports/event-store.port';

/** What a command handler returns to the interface: the new stream version and the jobs it queued. */
export interface CommandResult {
  readonly streamId: string;
  readonly version: number;
  readonly jobs: readonly { id: string; kind: string }[];
  readonly duplicate: boolean;
}

export function toCommandResult(result: AppendResult): CommandResult {
  return {
    streamId: result.streamId,
    version: result.version,
    jobs: result.jobs.map((j) => ({ id: j.id, kind: j.kind })),
    duplicate: result.duplicate,
  };
}
