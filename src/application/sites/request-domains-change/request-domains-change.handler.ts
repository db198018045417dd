import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/common/domain-error';
import { parseDomain } from '../../../domain/common/value-objects';
import { CommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { runSiteCommand } from '../run-site-command';
import { domainInUse } from '../site-jobs/domain-in-use';
import { RequestDomainsChangeCommand } from './request-domains-change.command';

@CommandHandler(RequestDomainsChangeCommand)
export class RequestDomainsChangeHandler implements ICommandHandler<RequestDomainsChangeCommand, CommandResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
    private readonly sql: SqlReader,
  ) {}

  async execute(c: RequestDomainsChangeCommand): Promise<CommandResult> {
    // A domain is served by one site only (the decider checks the format and that they are distinct).
    for (const [i, raw] of [c.primary, ...c.aliases].entries()) {
      const field = i === 0 ? 'primary' : `aliases[${i - 1}]`;
      const domain = parseDomain(raw, field);
      if (domainInUse(this.sql, domain, c.siteId)) throw new DomainError('DUPLICATE', `domain "${domain}" is already served by another site`, { field });
    }
    return runSiteCommand(
      this.decideAndAppend,
      { type: 'RequestDomainsChange', siteId: c.siteId, changeId: this.ids.newId(), environment: c.environment, primary: c.primary, aliases: c.aliases },
      c.meta,
    );
  }
}
