import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, NotFound } from '../../../domain/common/domain-error';
import { parseEnvironmentName } from '../../../domain/common/value-objects';
import { DeployKeyGenerator } from '../../ports/deploy-key-generator.port';
import { SiteSecretStore } from '../../ports/site-secrets.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { GetDeployKeyQuery } from './get-deploy-key.query';

export interface DeployKeyView {
  siteId: string;
  environment: string;
  /** The OpenSSH public key line to add to the Git host as a read-only deploy key. */
  publicKey: string;
  /** `SHA256:…`, as the Git host shows it. */
  fingerprint: string;
}

@QueryHandler(GetDeployKeyQuery)
export class GetDeployKeyHandler implements IQueryHandler<GetDeployKeyQuery, DeployKeyView> {
  constructor(
    private readonly sql: SqlReader,
    private readonly secrets: SiteSecretStore,
    private readonly deployKeys: DeployKeyGenerator,
  ) {}

  async execute(q: GetDeployKeyQuery): Promise<DeployKeyView> {
    const environment = parseEnvironmentName(q.environment);
    const env = this.sql.get<{ state: string }>('SELECT s.state FROM rm_environments e JOIN rm_sites s ON s.id = e.site_id WHERE e.site_id = ? AND e.name = ?', [
      q.siteId,
      environment,
    ]);
    if (!env || env.state === 'DELETED') throw new NotFound('environment', `${q.siteId}/${environment}`);
    const key = this.secrets.get(q.siteId, environment)?.deployKey;
    if (!key) {
      throw new DomainError('NOT_FOUND', `environment ${environment} has no deploy key yet: it was created before deploy keys existed and gets one with its next job`, {
        what: 'deploy key',
        id: `${q.siteId}/${environment}`,
      });
    }
    return { siteId: q.siteId, environment, publicKey: key.publicKey, fingerprint: this.deployKeys.fingerprint(key.publicKey) };
  }
}
