import type { CommandResult } from '../../../application/common/command-result';

/** The job a mutation queued, as `{id, kind}` (null when the command queued none, e.g. a repeat). */
export function jobRef(result: CommandResult): { id: string; kind: string } | null {
  const job = result.jobs[0];
  return job ? { id: job.id, kind: job.kind } : null;
}
