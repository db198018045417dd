import { PRODUCTION_ENVIRONMENT } from '../../../domain/site/site.events';

/** The names one environment has on its node (docs/playbooks.md "Names"); every playbook asserts them. */
export interface EnvironmentNames {
  readonly env_slug: string;
  readonly site_user: string;
  readonly site_base: string;
  readonly db_name: string;
  readonly db_user: string;
}

/**
 * Names are cut to 32 characters, as the playbooks check: two long slugs that share their first 30
 * characters would share a user, so CreateSite refuses the second (siteUserOf is what it compares).
 */
export function siteUserOf(envSlug: string): string {
  return `s-${envSlug}`.slice(0, 32);
}

export function environmentNames(envSlug: string): EnvironmentNames {
  const db = `s_${envSlug.replace(/-/g, '_')}`.slice(0, 32);
  return { env_slug: envSlug, site_user: siteUserOf(envSlug), site_base: `/var/www/sites/${envSlug}`, db_name: db, db_user: db };
}

/** Non-production environments are kept out of search engines. */
export function isProduction(environment: string): boolean {
  return environment === PRODUCTION_ENVIRONMENT;
}
