import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { certificateDecider } from '../../../domain/certificate/certificate.decider';
import { CertificateTarget } from '../../../domain/certificate/certificate.commands';
import { certificateStreamId } from '../../../domain/certificate/certificate.events';
import { parseEnvironmentName } from '../../../domain/common/value-objects';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { CertificateSettings } from '../../ports/certificate-settings.port';
import { IdGenerator } from '../../ports/clock.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { RequestCertificateCommand } from './request-certificate.command';

@CommandHandler(RequestCertificateCommand)
export class RequestCertificateHandler implements ICommandHandler<RequestCertificateCommand, CommandResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
    private readonly sql: SqlReader,
    private readonly settings: CertificateSettings,
  ) {}

  async execute(c: RequestCertificateCommand): Promise<CommandResult> {
    const environment = parseEnvironmentName(c.environment);
    const target = this.sql.get<{ state: string; domains: string }>(
      'SELECT s.state, e.domains FROM rm_environments e JOIN rm_sites s ON s.id = e.site_id WHERE e.site_id = ? AND e.name = ?',
      [c.siteId, environment],
    );
    const lookup: CertificateTarget | null = target ? { siteState: target.state, domains: JSON.parse(target.domains) as string[] } : null;
    return toCommandResult(
      this.decideAndAppend.run(
        certificateStreamId(c.siteId),
        certificateDecider,
        {
          type: 'RequestCertificate',
          siteId: c.siteId,
          environment,
          requestId: this.ids.newId(),
          target: lookup,
          acmeConfigured: this.settings.acmeEmail !== '',
          reason: c.options.reason ?? 'operator',
          ...(c.options.force !== undefined ? { force: c.options.force } : {}),
          ...(c.options.hsts !== undefined ? { hsts: c.options.hsts } : {}),
          ...(c.options.retryOf !== undefined ? { retryOf: c.options.retryOf } : {}),
        },
        c.meta,
      ),
    );
  }
}
