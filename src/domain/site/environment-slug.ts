import { RuleViolation } from '../common/domain-error';
import { SITE_RULES } from './site.rules';

/**
 * An environment's slug (the site slug for production) becomes names on its node: the Linux user and
 * group `s-<slug>`, the web group `w-<slug>` and the MariaDB database and user `s_<slug>`. Linux user and
 * group names are at most 32 characters (useradd, utmp), so the slug is at most 30: every name is then
 * the whole slug, never a cut one that a longer slug could share.
 */
export const ENV_SLUG_MAX_LENGTH = 30;

/** Rule environment-slug-must-fit-node-names: a longer slug is refused before anything is recorded. */
export class EnvironmentSlugTooLong extends RuleViolation {
  constructor(envSlug: string) {
    super(
      SITE_RULES.envSlugMustFitNodeNames,
      'ENVIRONMENT_SLUG_TOO_LONG',
      `slug "${envSlug}" has ${envSlug.length} characters; at most ${ENV_SLUG_MAX_LENGTH} fit the node's names ` +
        `(Linux user s-${envSlug} would exceed 32 characters)`,
      { field: 'slug', envSlug, length: envSlug.length, maxLength: ENV_SLUG_MAX_LENGTH },
    );
  }
}

export function requireEnvSlugFitsNode(envSlug: string): string {
  if (envSlug.length > ENV_SLUG_MAX_LENGTH) throw new EnvironmentSlugTooLong(envSlug);
  return envSlug;
}
