import { Injectable } from '@nestjs/common';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { DomainError } from '../../../domain/common/domain-error';
import { DecideAndAppend } from '../../common/decide-and-append';
import { jobCommandId } from '../../jobs/job-command-id';
import { JobContext, JobFailure } from '../../ports/job-queue.port';
import { NodeAccessSettings } from '../../ports/node-access.port';
import { NodeAddress, RemoteShell } from '../../ports/remote-shell.port';
import { SqlReader } from '../../ports/sql-reader.port';
import type { NodeRow } from '../node.view';

export interface NodeForJob {
  readonly address: NodeAddress;
  readonly status: string;
  readonly facts: Record<string, unknown>;
}

/** What every node job needs: the node's address (pinning its host key on first use) and error mapping. */
@Injectable()
export class NodeJobSupport {
  constructor(
    private readonly sql: SqlReader,
    private readonly shell: RemoteShell,
    private readonly decideAndAppend: DecideAndAppend,
    readonly settings: NodeAccessSettings,
  ) {}

  /** The node of `ctx.job.payload.nodeId`. A node without a pinned key gets the key it presents now pinned. */
  async node(ctx: JobContext): Promise<NodeForJob> {
    const nodeId = String(ctx.job.payload.nodeId ?? '');
    const row = this.sql.get<NodeRow>('SELECT * FROM rm_nodes WHERE id = ?', [nodeId]);
    if (!row) throw new JobFailure('NOT_FOUND', `node ${nodeId} does not exist`, false);
    if (row.status === 'decommissioned') throw new JobFailure('INVALID_STATE_TRANSITION', `node ${nodeId} is decommissioned`, false);
    let fingerprint = row.host_key_fingerprint;
    if (!fingerprint) {
      // Registration without a scan (PRESSLUFT_HOST_KEY_SCAN=off): trust on first use, recorded as an event.
      fingerprint = await this.shell.scanHostKey(row.host, row.port, this.settings.connectTimeoutMs).catch((err: unknown) => {
        throw toNodeJobFailure(err);
      });
      this.decideAndAppend.run(nodeStreamId(nodeId), nodeDecider, { type: 'PinNodeHostKey', nodeId, fingerprint }, {
        actor: 'system:worker',
        commandId: jobCommandId(ctx.job, `pin-host-key/${ctx.job.attempt}`),
        correlationId: ctx.job.correlationId,
      });
      ctx.log(`pinned the host key ${fingerprint} of ${row.host}:${row.port} (first use)`);
    }
    return {
      address: { nodeId, host: row.host, port: row.port, user: row.ssh_user, hostKeyFingerprint: fingerprint },
      status: row.status,
      facts: JSON.parse(row.facts) as Record<string, unknown>,
    };
  }
}

/**
 * SSH errors as job failures: NODE_UNREACHABLE is retried with the queue's backoff; HOST_KEY_MISMATCH
 * is final (nothing ran; an operator must re-pin) and carries the presented fingerprint for the outcome.
 */
export function toNodeJobFailure(err: unknown): JobFailure {
  if (err instanceof JobFailure) return err;
  if (err instanceof DomainError) {
    if (err.code === 'HOST_KEY_MISMATCH') {
      const actual = (err.details as Record<string, unknown> | undefined)?.actual;
      return new JobFailure('HOST_KEY_MISMATCH', err.message, false, { presentedFingerprint: typeof actual === 'string' ? actual : null });
    }
    if (err.code === 'NODE_UNREACHABLE') return new JobFailure('NODE_UNREACHABLE', err.message, true);
    return new JobFailure(err.code, err.message, err.code !== 'VALIDATION_FAILED' && err.code !== 'NOT_FOUND');
  }
  if (err instanceof Error && err.name === 'AbortError') return new JobFailure('JOB_CANCELLED', err.message, true);
  return new JobFailure('INTERNAL', err instanceof Error ? err.message : String(err), true);
}
