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
  /** Ansible's message (scrubbed of the job's secrets, at most 300 characters). */
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
  /**
   * The play's custom stats (`ansible.builtin.set_stats`, per_host: false): the `pl_result` dict when
   * the play set one, else the whole custom dict; null when the play set none. Also in a failure's
   * JobFailure summary as `outputs`.
   */
  readonly outputs: Record<string, unknown> | null;
  /** True when the step's run had finished in an earlier attempt and its recorded result was returned. */
  readonly recorded: boolean;
}

export interface RunOptions {
  /**
   * The operation step this run is (default: the playbook name without `.yml`). A step keeps its run
   * across the attempts of one job run: an unfinished run is re-attached, a finished one's recorded
   * result is returned (or its final failure thrown again) without launching anything. A run that ended
   * with a retryable failure is launched anew in the next attempt. An operator's retry of the job is a
   * new job run and launches every step anew.
   */
  readonly step?: string;
}

export interface UploadResult {
  /** Absolute path on the node: `<remote root>/uploads/<sha256>` (root-owned, 0600). */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  /** False when the node already had the file (nothing was sent). */
  readonly uploaded: boolean;
}

/** The reports playbooks leave on a node: `<remote root>/facts.json` (bootstrap) and `health.json` (health check). */
export type NodeReport = 'facts' | 'health';

/**
 * Runs playbooks on a node, detached and re-attachable (docs/architecture.md §6), through the node's one root entry
 * point (playbooks/bin/pressluft-node): uploads the content-addressed bundle and a 0600 vars file, records
 * the run before launch, and polls until done. Failures are thrown as JobFailure with a code from the
 * error registry; a cancel (ctx.signal aborted with reason "cancelled") stops the remote run. Remote output
 * is scrubbed of the job's registered secrets (ctx.addSecret) before it is stored.
 */
export abstract class RemoteRunner {
  abstract run(node: NodeAddress, playbook: string, vars: Record<string, unknown>, ctx: JobContext, options?: RunOptions): Promise<RemoteRunResult>;

  /**
   * Puts a local file on the node at `<remote root>/uploads/<sha256>` (streamed, verified by the node),
   * unless it is there already. Throws JobFailure (REMOTE_COMMAND_FAILED, NODE_UNREACHABLE, …).
   */
  abstract upload(node: NodeAddress, localPath: string, ctx?: Pick<JobContext, 'signal' | 'log'>): Promise<UploadResult>;

  /** A report playbooks wrote on the node, read as root; null when missing or not a JSON object. */
  abstract readReport(node: NodeAddress, report: NodeReport): Promise<Record<string, unknown> | null>;

  /** python3 + ansible-core on the node (one fixed package step as root when missing). */
  abstract ensureAnsible(node: NodeAddress, ctx?: Pick<JobContext, 'signal'>): Promise<'present' | 'installed'>;
}
