import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '../../../domain/node/node.decider';
import { nodeStreamId } from '../../../domain/node/node.events';
import { DecideAndAppend } from '../../common/decide-and-append';
import { SqlReader } from '../../ports/sql-reader.port';
import { RunBackupRepositoryChecksCommand } from './run-backup-repository-checks.command';

/** The actor of every scheduled `restic check`. */
export const RESTIC_CHECK_SCHEDULER_ACTOR = 'system:restic-check-scheduler';

export interface RunBackupRepositoryChecksResult {
  /** The nodes whose repository check was requested this round. */
  readonly requested: string[];
}

/**
 * A repository is due when its last check (or, never checked, its setting) is `intervalMs` old and no
 * check is pending. The idempotency key names the repository and the time the interval counts from,
 * and the decider records nothing while a check is pending, so two rounds never queue two checks.
 */
@CommandHandler(RunBackupRepositoryChecksCommand)
export class RunBackupRepositoryChecksHandler implements ICommandHandler<RunBackupRepositoryChecksCommand, RunBackupRepositoryChecksResult> {
  private readonly logger = new Logger('restic-check-scheduler');

  constructor(
    private readonly sql: SqlReader,
    private readonly decideAndAppend: DecideAndAppend,
  ) {}

  async execute({ now, intervalMs }: RunBackupRepositoryChecksCommand): Promise<RunBackupRepositoryChecksResult> {
    const requested: string[] = [];
    const rows = this.sql.all<{ node_id: string; repository_id: string; since: string }>(
      "SELECT r.node_id, r.repository_id, COALESCE(r.last_checked_at, r.set_at) AS since FROM rm_backup_repositories r JOIN rm_nodes n ON n.id = r.node_id WHERE r.check_pending = 0 AND n.status <> 'decommissioned' ORDER BY r.node_id",
    );
    const nowMs = Date.parse(now);
    for (const { node_id: nodeId, repository_id: repositoryId, since } of rows) {
      if (Date.parse(since) + intervalMs > nowMs) continue;
      try {
        const result = this.decideAndAppend.run(nodeStreamId(nodeId), nodeDecider, { type: 'RequestBackupRepositoryCheck', nodeId, reason: 'scheduled' }, {
          actor: RESTIC_CHECK_SCHEDULER_ACTOR,
          commandId: `restic-check/${nodeId}/${repositoryId}/${since}`,
          correlationId: `restic-check/${nodeId}/${repositoryId}/${since}`,
        });
        if (result.events.length > 0) requested.push(nodeId);
      } catch (err) {
        this.logger.error(`restic check of node ${nodeId} not requested: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { requested };
  }
}
