import type { JobContext } from './job-queue.port';
import type { NodeAddress } from './remote-shell.port';

/** Per-host totals from Ansible's play recap. */
export interface RunStats {
  readonly ok: number;
  readonly changed: number;
  readonly failures: number;
  readonly unreachable: number;
  readonly skipped: number;
  readonly rescued: number;
  readonly ignored: number;
}

export interface FailedTask {
  readonly task: string | null;
  readonly host: string | null;
  readonly msg: string | null;
}

export interface RemoteRunResult {
  readonly runId: string;
  /** ansible-playbook's exit code (0 here: failures are thrown as JobFailure). */
  readonly rc: number;
  /** Recap per host (usually just "localhost"). */
  readonly stats: Record<string, RunStats>;
  /** Sum of `changed` over all hosts (0 on an idempotent second run). */
  readonly changed: number;
  readonly failedTasks: readonly FailedTask[];
  /** True when this call attached to a run launched earlier instead of launching one. */
  readonly reattached: boolean;
}

/**
 * Runs a playbook on a node, detached and re-attachable (DESIGN §6): uploads the content-addressed
 * bundle and a 0600 vars file, stores the run id through ctx.setRemoteRunId() before launch, and
 * polls until done. When ctx.job.remoteRunId names an unfinished run, it attaches to that run
 * instead of launching. Failures are thrown as JobFailure with a code from the error registry;
 * a cancel (ctx.signal aborted with reason "cancelled") stops the remote run.
 */
export abstract class RemoteRunner {
  abstract run(node: NodeAddress, playbook: string, vars: Record<string, unknown>, ctx: JobContext): Promise<RemoteRunResult>;
}
