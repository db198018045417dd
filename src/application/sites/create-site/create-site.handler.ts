import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { siteDecider } from '../../../domain/site/site.decider';
import { siteStreamId } from '../../../domain/site/site.events';
import { DomainError } from '../../../domain/common/domain-error';
import { parseDomain, parseSlug, slugify } from '../../../domain/common/value-objects';
import { DecideAndAppend } from '../../common/decide-and-append';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { CommandLog } from '../../ports/event-store.port';
import { IdGenerator } from '../../ports/clock.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { CreateSiteCommand } from './create-site.command';

export interface CreateSiteResult extends CommandResult {
  readonly siteId: string;
}

@CommandHandler(CreateSiteCommand)
export class CreateSiteHandler implements ICommandHandler<CreateSiteCommand, CreateSiteResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly commands: CommandLog,
    private readonly ids: IdGenerator,
    private readonly sql: SqlReader,
  ) {}

  async execute({ input, meta }: CreateSiteCommand): Promise<CreateSiteResult> {
    const previous = this.commands.previousResult(meta.commandId);
    if (previous) return { ...toCommandResult(previous), duplicate: true, siteId: previous.streamId.slice('site-'.length) };

    const siteId = this.ids.newId();
    this.refuseTakenNames(parseSlug(input.slug ?? slugify(input.name)), parseDomain(input.domain));
    const node = this.sql.get<{ id: string; status: string }>('SELECT id, status FROM rm_nodes WHERE id = ?', [input.nodeId]) ?? null;
    const result = this.decideAndAppend.run(
      siteStreamId(siteId),
      siteDecider,
      { type: 'CreateSite', siteId, ...input, node },
      { ...meta, ifMatch: undefined },
    );
    return { ...toCommandResult(result), siteId };
  }

  /** Slugs name Linux users, databases and directories on nodes, and a domain is served by one site only. */
  private refuseTakenNames(slug: string, domain: string): void {
    const slugTaken = this.sql.get('SELECT 1 FROM rm_environments WHERE env_slug = ?', [slug]);
    if (slugTaken) throw new DomainError('DUPLICATE', `slug "${slug}" is already in use`, { field: 'slug', slug });
    const domainTaken = this.sql.get("SELECT 1 FROM rm_sites WHERE primary_domain = ? AND state <> 'DELETED'", [domain]);
    if (domainTaken) throw new DomainError('DUPLICATE', `domain "${domain}" is already served by another site`, { field: 'domain' });
  }
}
