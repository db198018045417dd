import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/common/domain-error';
import { parseDomain, parseEnvironmentName } from '../../../domain/common/value-objects';
import { cloneEnvSlug } from '../../../domain/site/site-environments';
import { siteDecider } from '../../../domain/site/site.decider';
import { siteStreamId } from '../../../domain/site/site.events';
import type { EnvironmentCloneRequestedData } from '../../../domain/site/site-environment.events';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { DecideAndAppend } from '../../common/decide-and-append';
import { IdGenerator } from '../../ports/clock.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { domainInUse } from '../site-jobs/domain-in-use';
import { siteUserOf } from '../site-jobs/site-names';
import { RequestEnvironmentCloneCommand } from './request-environment-clone.command';

export interface RequestEnvironmentCloneResult extends CommandResult {
  readonly cloneId: string | null;
  readonly environment: string | null;
}

@CommandHandler(RequestEnvironmentCloneCommand)
export class RequestEnvironmentCloneHandler implements ICommandHandler<RequestEnvironmentCloneCommand, RequestEnvironmentCloneResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
    private readonly sql: SqlReader,
  ) {}

  async execute(c: RequestEnvironmentCloneCommand): Promise<RequestEnvironmentCloneResult> {
    // A domain is served by one environment of one site (the decider checks the site's own environments).
    const domain = parseDomain(c.input.domain, 'domain');
    if (domainInUse(this.sql, domain, c.siteId)) throw new DomainError('DUPLICATE', `domain "${domain}" is already served by another site`, { field: 'domain' });
    // The new environment's names on the node must not be another environment's (its slug is <site slug>-<name>).
    const site = this.sql.get<{ slug: string }>('SELECT slug FROM rm_sites WHERE id = ?', [c.siteId]);
    if (site) {
      const name = parseEnvironmentName(c.input.name, 'name');
      this.refuseTakenSlug(cloneEnvSlug(site.slug, name), c.siteId, name);
    }
    const result = this.decideAndAppend.run(
      siteStreamId(c.siteId),
      siteDecider,
      { type: 'RequestEnvironmentClone', siteId: c.siteId, cloneId: this.ids.newId(), ...c.input },
      c.meta,
    );
    const requested = result.events.find((e) => e.type === 'EnvironmentCloneRequested')?.data as EnvironmentCloneRequestedData | undefined;
    return { ...toCommandResult(result), cloneId: requested?.cloneId ?? null, environment: requested?.environment ?? null };
  }

  /** The site's own environment of that name is the decider's to judge (ENVIRONMENT_EXISTS, or a repeated request). */
  private refuseTakenSlug(envSlug: string, siteId: string, name: string): void {
    const taken = this.sql.get(
      "SELECT 1 FROM rm_environments WHERE (env_slug = ? OR substr('s-' || env_slug, 1, 32) = ?) AND NOT (site_id = ? AND name = ?)",
      [envSlug, siteUserOf(envSlug), siteId, name],
    );
    if (taken) throw new DomainError('DUPLICATE', `the environment's slug "${envSlug}" is already used by another environment`, { field: 'name', envSlug });
  }
}
