import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { siteDecider } from '../../../domain/site/site.decider';
import { PRODUCTION_ENVIRONMENT, siteStreamId } from '../../../domain/site/site.events';
import { ENV_SLUG_MAX_LENGTH } from '../../../domain/site/environment-slug';
import { DomainError } from '../../../domain/common/domain-error';
import { parseDomain, parseSlug, PHP_VERSIONS, slugify } from '../../../domain/common/value-objects';
import { DecideAndAppend } from '../../common/decide-and-append';
import { CommandResult, toCommandResult } from '../../common/command-result';
import { CommandLog } from '../../ports/event-store.port';
import { IdGenerator } from '../../ports/clock.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { DeployKeyGenerator } from '../../ports/deploy-key-generator.port';
import { SiteSecretStore } from '../../ports/site-secrets.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';
import { deployKeyComment, generateEnvironmentSecrets } from '../site-jobs/generate-site-secrets';
import { domainInUse } from '../site-jobs/domain-in-use';
import { siteUserOf } from '../site-jobs/site-names';
import { CreateSiteCommand } from './create-site.command';

/** The PHP the node's bootstrap installed (its facts), when the request names none and it is one sites may use. */
function nodePhpVersion(facts: string | undefined): string | undefined {
  try {
    const php = (JSON.parse(facts ?? '{}') as { php_version?: unknown }).php_version;
    return typeof php === 'string' && (PHP_VERSIONS as readonly string[]).includes(php) ? php : undefined;
  } catch {
    return undefined;
  }
}

export interface CreateSiteResult extends CommandResult {
  readonly siteId: string;
  /**
   * The generated WordPress admin password: returned by the request that created the site, once (the
   * 202 body, the page after the form, the CLI); a repeat of the request (same Idempotency-Key) gets null.
   */
  readonly adminPassword: string | null;
}

@CommandHandler(CreateSiteCommand)
export class CreateSiteHandler implements ICommandHandler<CreateSiteCommand, CreateSiteResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly commands: CommandLog,
    private readonly ids: IdGenerator,
    private readonly sql: SqlReader,
    private readonly uow: UnitOfWork,
    private readonly secrets: SiteSecretStore,
    private readonly deployKeys: DeployKeyGenerator,
  ) {}

  async execute({ input, meta }: CreateSiteCommand): Promise<CreateSiteResult> {
    const previous = this.commands.previousResult(meta.commandId, meta.requestHash);
    if (previous) return { ...toCommandResult(previous), duplicate: true, siteId: previous.streamId.slice('site-'.length), adminPassword: null };

    const siteId = this.ids.newId();
    const slug = parseSlug(input.slug ?? slugify(input.name, ENV_SLUG_MAX_LENGTH));
    this.refuseTakenNames(slug, parseDomain(input.domain));
    const node = this.sql.get<{ id: string; status: string; facts: string }>('SELECT id, status, facts FROM rm_nodes WHERE id = ?', [input.nodeId]) ?? null;
    const phpVersion = input.phpVersion ?? nodePhpVersion(node?.facts);
    // Secrets are made once, here, and sealed in the same transaction as SiteCreated: refused input stores none.
    const secrets = generateEnvironmentSecrets(this.deployKeys.generate(deployKeyComment(slug)));
    const result = this.uow.run(() => {
      const appended = this.decideAndAppend.run(
        siteStreamId(siteId),
        siteDecider,
        { type: 'CreateSite', siteId, ...input, ...(phpVersion ? { phpVersion } : {}), node: node && { id: node.id, status: node.status } },
        { ...meta, ifMatch: undefined },
      );
      this.secrets.create(siteId, PRODUCTION_ENVIRONMENT, secrets);
      return appended;
    });
    return { ...toCommandResult(result), siteId, adminPassword: secrets.adminPassword };
  }

  /** Slugs name Linux users, databases and directories on nodes, and a domain is served by one site only. */
  private refuseTakenNames(slug: string, domain: string): void {
    // The node-side names are the slug cut to 32 characters (s-<slug>): a slug that only differs past that is taken too.
    const slugTaken = this.sql.get("SELECT 1 FROM rm_environments WHERE env_slug = ? OR substr('s-' || env_slug, 1, 32) = ?", [slug, siteUserOf(slug)]);
    if (slugTaken) throw new DomainError('DUPLICATE', `slug "${slug}" is already in use`, { field: 'slug', slug });
    const domainTaken = domainInUse(this.sql, domain);
    if (domainTaken) throw new DomainError('DUPLICATE', `domain "${domain}" is already served by another site`, { field: 'domain' });
  }
}
