import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { CommandResult } from '../../application/common/command-result';
import { CertificateWork } from '../../application/certificates/find-certificate-work/find-certificate-work.handler';
import { FindCertificateWorkQuery } from '../../application/certificates/find-certificate-work/find-certificate-work.query';
import { RequestCertificateCommand } from '../../application/certificates/request-certificate/request-certificate.command';
import { JOB_KINDS } from '../../application/jobs/job-kinds';
import { Clock } from '../../application/ports/clock.port';
import { JOB_HANDLERS, JobHandler } from '../../application/ports/job-queue.port';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../tokens';
import { PeriodicRound } from './periodic-round';

/**
 * Every PRESSLUFT_CERT_CHECK_INTERVAL_MS (0 = off), once PRESSLUFT_ACME_EMAIL is set: requests the
 * certificates FindCertificateWork names (renewals due by lifetime share, new environments, changed
 * names), as `system:scheduler`. One request per environment at a time (the certificate decider refuses
 * a second while one runs, and the query skips running ones), so a slow CA never piles up jobs.
 * Runs only where the worker runs and a site.certificate handler exists.
 */
@Injectable()
export class CertificateScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('certificate-scheduler');
  private readonly rounds = new PeriodicRound();

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.settings.certCheckIntervalMs;
    if (!this.settings.workerEnabled || interval <= 0 || this.settings.acmeEmail === '') return;
    if (!this.handlers.some((h) => h.kind === JOB_KINDS.siteCertificate)) return;
    this.rounds.start(interval, () => this.tick());
  }

  beforeApplicationShutdown(): void {
    this.rounds.stop();
  }

  /** Requests one round's certificates; returns the ids of the jobs queued. */
  async tick(): Promise<string[]> {
    return this.rounds.exclusive<string[]>([], async () => {
      const created: string[] = [];
      try {
        const round = randomUUID();
        const work = await this.queries.execute<FindCertificateWorkQuery, CertificateWork[]>(new FindCertificateWorkQuery(this.clock.nowIso()));
        for (const { siteId, environment, reason } of work) {
          try {
            const meta = { actor: 'system:scheduler', commandId: `certificate/${siteId}/${environment}/${round}`, correlationId: `certificates-${round}` };
            const result = await this.commands.execute<RequestCertificateCommand, CommandResult>(new RequestCertificateCommand(siteId, environment, { reason }, meta));
            created.push(...result.jobs.map((j) => j.id));
          } catch (err) {
            this.logger.error(`certificate of ${siteId}/${environment} not requested: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      } catch (err) {
        this.logger.error(`certificate round failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      return created;
    });
  }
}
