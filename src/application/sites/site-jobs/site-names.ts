import { createHash } from 'node:crypto';
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
 * `prefix + value`, at most 32 characters. A value too long is cut and given a short hash of the whole
 * value, so two long slugs that share their first 20-odd characters never map to one user or database.
 */
function bounded(prefix: string, value: string): string {
  const full = prefix + value;
  if (full.length <= 32) return full;
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 6);
  return `${full.slice(0, 32 - hash.length - 1).replace(/[-_]+$/, '')}${prefix.endsWith('_') ? '_' : '-'}${hash}`;
}

export function environmentNames(envSlug: string): EnvironmentNames {
  return {
    env_slug: envSlug,
    site_user: bounded('s-', envSlug),
    site_base: `/var/www/sites/${envSlug}`,
    db_name: bounded('s_', envSlug.replace(/-/g, '_')),
    db_user: bounded('s_', envSlug.replace(/-/g, '_')),
  };
}

/** Non-production environments are kept out of search engines. */
export function isProduction(environment: string): boolean {
  return environment === PRODUCTION_ENVIRONMENT;
}
