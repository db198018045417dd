import { Injectable } from '@nestjs/common';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { RemoteRunner } from '../../ports/remote-runner.port';
import { NodeJobSupport, toNodeJobFailure } from '../node-jobs/node-job-support';

/**
 * `node.health-check`: SSH reachable, then health-check.yml through the runner (services, free disk and
 * memory; read-only, changed=0) and its report. The outcome records only changes of the node's
 * status (RecordNodeHealth: ready <-> unreachable; HOST_KEY_MISMATCH flags the node).
 * Summary: {reachable: true, health, runId}.
 */
@Injectable()
export class HealthCheckNodeJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.nodeHealthCheck;

  constructor(
    private readonly support: NodeJobSupport,
    private readonly runner: RemoteRunner,
  ) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    try {
      const { address, facts } = await this.support.node(ctx);
      const root = this.support.settings.remoteRoot;
      const phpVersion = typeof facts.php_version === 'string' ? facts.php_version : '8.2';
      const result = await this.runner.run(address, 'health-check', { php_version: phpVersion, pressluft_home: root }, ctx);
      const health = await this.runner.readReport(address, 'health');
      if (health) ctx.log(`health: ${JSON.stringify(health)}`);
      return { summary: { reachable: true, health, runId: result.runId } };
    } catch (err) {
      throw toNodeJobFailure(err);
    }
  }
}
