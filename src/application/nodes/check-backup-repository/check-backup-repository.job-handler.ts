import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobFailure, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { RemoteRunner } from '../../ports/remote-runner.port';
import { ResticAccess } from '../backup-repository/restic-access';
import { NodeJobSupport, toNodeJobFailure } from '../node-jobs/node-job-support';

/**
 * `node.backup-repository-check`: node-backup-repository-check.yml opens the node's restic repository
 * (initializing an empty one) and runs `restic check`. The outcome records BackupRepositoryChecked or
 * BackupRepositoryCheckFailed for the repository the job was queued for (a replaced one's result is
 * dropped by the decider). Summary: {repositoryId, initialized}.
 */
@Injectable()
export class CheckBackupRepositoryJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.nodeBackupRepositoryCheck;

  constructor(
    private readonly support: NodeJobSupport,
    private readonly runner: RemoteRunner,
    private readonly restic: ResticAccess,
  ) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    const repositoryId = String(ctx.job.payload.repositoryId ?? '');
    const { address } = await this.support.node(ctx);
    const restic = this.restic.forNode(address.nodeId, ctx);
    if (!restic || restic.repositoryId !== repositoryId) {
      ctx.log(`repository ${repositoryId} is no longer the node's: nothing to check`);
      return { summary: { repositoryId, stale: true } };
    }
    ctx.log(`checking ${restic.url}`);
    try {
      const result = await this.runner.run(address, 'node-backup-repository-check', { pressluft_home: this.support.settings.remoteRoot, ...restic.vars }, ctx);
      const initialized = (result.outputs as Record<string, unknown> | undefined)?.initialized === true;
      ctx.log(initialized ? 'the repository was empty: initialized, then checked' : 'restic check passed');
      return { summary: { repositoryId, initialized } };
    } catch (err) {
      const failure = toNodeJobFailure(err);
      const out = failure.summary?.outputs as Record<string, unknown> | undefined;
      const reason = typeof out?.reason === 'string' && out.reason !== '' ? out.reason : failure.message;
      const code = out?.code === 'BACKUP_REPOSITORY_UNAVAILABLE' ? 'BACKUP_REPOSITORY_UNAVAILABLE' : 'BACKUP_REPOSITORY_CHECK_FAILED';
      throw new JobFailure(code, reason, false, { ...failure.summary, repositoryId });
    }
  }
}
