import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CertificateRequestReason } from '../../../domain/certificate/certificate.events';
import { DomainError } from '../../../domain/common/domain-error';
import type { CommandResult } from '../../common/command-result';
import { JOB_KINDS } from '../../jobs/job-kinds';
import { JobContext, JobHandler, JobHandlerResult } from '../../ports/job-queue.port';
import { RequestCertificateCommand } from './request-certificate.command';

/**
 * `site.certificate-request`: the certificate request a reactor asked for right after a site was
 * provisioned or its names changed (request-certificate-when-*.reactor.ts). Runs RequestCertificate with a
 * command id made from the event that caused it, so a job that runs twice requests once; the decider adds
 * nothing when the environment already has a request for its current names (the scheduler or an operator
 * was first). A request the decider refuses (one for other names is running, the site is being deleted)
 * is reported in the summary, never as a failure: the scheduler's next round asks for whatever is still
 * missing, and the site operation that caused it is finished already.
 */
@Injectable()
export class RequestCertificateJobHandler implements JobHandler {
  readonly kind = JOB_KINDS.siteCertificateRequest;

  constructor(private readonly commands: CommandBus) {}

  async handle(ctx: JobContext): Promise<JobHandlerResult> {
    const { siteId, environment, reason, causationId } = ctx.job.payload as { siteId: string; environment: string; reason: CertificateRequestReason; causationId: string };
    const meta = { actor: ctx.job.actor, commandId: `certificate-request/${causationId}/${environment}`, correlationId: ctx.job.correlationId };
    try {
      const result = await this.commands.execute<RequestCertificateCommand, CommandResult>(new RequestCertificateCommand(siteId, environment, { reason }, meta));
      const job = result.jobs.find((j) => j.kind === JOB_KINDS.siteCertificate);
      ctx.log(job ? `certificate of ${environment} requested (${reason}): job ${job.id}` : `certificate of ${environment} already requested for its names`);
      return { summary: { requested: job !== undefined, jobId: job?.id ?? null } };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      ctx.log(`certificate of ${environment} not requested: ${err.code}: ${err.message}`);
      return { summary: { requested: false, jobId: null, refused: { code: err.code, message: err.message } } };
    }
  }
}
