import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { siteDecider } from '../../../domain/site/site.decider';
import { DeployRequestedData, siteStreamId } from '../../../domain/site/site.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { DomainError, NotFound } from '../../../domain/common/domain-error';
import { UploadStore } from '../../ports/upload-store.port';
import { RequestDeployCommand } from './request-deploy.command';

export interface RequestDeployResult extends CommandResult {
  readonly deploymentId: string;
}

@CommandHandler(RequestDeployCommand)
export class RequestDeployHandler implements ICommandHandler<RequestDeployCommand, RequestDeployResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
    private readonly uploads: UploadStore,
  ) {}

  async execute(c: RequestDeployCommand): Promise<RequestDeployResult> {
    const result = this.decideAndAppend.run(
      siteStreamId(c.siteId),
      siteDecider,
      { type: 'RequestDeploy', siteId: c.siteId, deploymentId: this.ids.newId(), environment: c.environment, source: this.recordedSource(c.source) },
      c.meta,
    );
    // On a repeated Idempotency-Key the first request's deployment id comes back with the first result.
    const requested = result.events.find((e) => e.type === 'DeployRequested');
    return { ...toCommandResult(result), deploymentId: (requested?.data as DeployRequestedData).deploymentId };
  }

  /**
   * The source as the event records it: only what names it (upload id + its sha256, git URL + ref, core
   * version); paths on the control plane or the node are resolved by the job. An unknown upload is
   * NOT_FOUND before anything is appended.
   */
  private recordedSource(source: Readonly<Record<string, unknown>>): Record<string, unknown> {
    switch (source.type) {
      case 'archive': {
        const upload = this.uploads.get(String(source.uploadId ?? ''));
        if (!upload) throw new NotFound('upload', String(source.uploadId ?? ''));
        return { type: 'archive', uploadId: upload.id, sha256: upload.sha256, size: upload.size };
      }
      case 'git':
        return { type: 'git', url: String(source.url), ref: String(source.ref ?? 'HEAD') };
      case 'wordpress':
        return source.version === undefined ? { type: 'wordpress' } : { type: 'wordpress', version: String(source.version) };
      default:
        throw new DomainError('VALIDATION_FAILED', 'source.type must be archive, git or wordpress', { field: 'source.type' });
    }
  }
}
