import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { siteDecider } from '../../../domain/site/site.decider';
import { DeployRequestedData, siteStreamId } from '../../../domain/site/site.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { RequestDeployCommand } from './request-deploy.command';

export interface RequestDeployResult extends CommandResult {
  readonly deploymentId: string;
}

@CommandHandler(RequestDeployCommand)
export class RequestDeployHandler implements ICommandHandler<RequestDeployCommand, RequestDeployResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
  ) {}

  async execute(c: RequestDeployCommand): Promise<RequestDeployResult> {
    const result = this.decideAndAppend.run(
      siteStreamId(c.siteId),
      siteDecider,
      { type: 'RequestDeploy', siteId: c.siteId, deploymentId: this.ids.newId(), environment: c.environment, source: c.source },
      c.meta,
    );
    // On a repeated Idempotency-Key the first request's deployment id comes back with the first result.
    const requested = result.events.find((e) => e.type === 'DeployRequested');
    return { ...toCommandResult(result), deploymentId: (requested?.data as DeployRequestedData).deploymentId };
  }
}
