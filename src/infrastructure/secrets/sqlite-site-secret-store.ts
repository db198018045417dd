import { EnvironmentSecrets, SiteSecretStore } from '../../application/ports/site-secrets.port';
import type { Clock } from '../../application/ports/clock.port';
import type { Database } from '../sqlite/database';
import { SecretBox } from './secret-box';

/** site_secrets: one sealed JSON blob per environment, bound (AAD) to its site and environment. */
export class SqliteSiteSecretStore extends SiteSecretStore {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {
    super();
  }

  get(siteId: string, environment: string): EnvironmentSecrets | undefined {
    const row = this.db.prepare('SELECT sealed FROM site_secrets WHERE site_id = ? AND environment = ?').get(siteId, environment) as
      | { sealed: Buffer }
      | undefined;
    if (!row) return undefined;
    return JSON.parse(this.box.open(row.sealed, context(siteId, environment)).toString('utf8')) as EnvironmentSecrets;
  }

  create(siteId: string, environment: string, secrets: EnvironmentSecrets): EnvironmentSecrets {
    this.db
      .prepare('INSERT INTO site_secrets (site_id, environment, sealed, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(siteId, environment, this.seal(siteId, environment, secrets), this.clock.nowIso());
    return this.get(siteId, environment) as EnvironmentSecrets;
  }

  update(siteId: string, environment: string, secrets: EnvironmentSecrets): void {
    this.db
      .prepare('UPDATE site_secrets SET sealed = ? WHERE site_id = ? AND environment = ?')
      .run(this.seal(siteId, environment, secrets), siteId, environment);
  }

  removeSite(siteId: string): void {
    this.db.prepare('DELETE FROM site_secrets WHERE site_id = ?').run(siteId);
  }

  removeEnvironment(siteId: string, environment: string): void {
    this.db.prepare('DELETE FROM site_secrets WHERE site_id = ? AND environment = ?').run(siteId, environment);
  }

  private seal(siteId: string, environment: string, secrets: EnvironmentSecrets): Buffer {
    return this.box.seal(JSON.stringify(secrets), context(siteId, environment));
  }
}

function context(siteId: string, environment: string): string {
  return `site-secrets:${siteId}:${environment}`;
}
