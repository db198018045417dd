import { randomBytes, randomInt } from 'node:crypto';
import type { DeployKeyPair } from '../../ports/deploy-key-generator.port';
import type { EnvironmentSecrets } from '../../ports/site-secrets.port';

export const WP_SALT_NAMES = [
  'AUTH_KEY',
  'SECURE_AUTH_KEY',
  'LOGGED_IN_KEY',
  'NONCE_KEY',
  'AUTH_SALT',
  'SECURE_AUTH_SALT',
  'LOGGED_IN_SALT',
  'NONCE_SALT',
] as const;

// No quotes, backslashes or `$` (the values go into wp-config.php and SQL) and no braces (Ansible would
// template a `{{` or `{%` in a variable it reads).
const SALT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%&()*+,-./:;<=>?@[]^_|~';
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/**
 * A fresh set for one environment (crypto random): DB password, the 8 WordPress salts, the admin
 * password, and the git deploy key made for it.
 */
export function generateEnvironmentSecrets(deployKey: DeployKeyPair): EnvironmentSecrets {
  return {
    dbPassword: randomBytes(24).toString('base64url'),
    wpSalts: Object.fromEntries(WP_SALT_NAMES.map((name) => [name, randomString(SALT_ALPHABET, 64)])),
    adminPassword: randomString(PASSWORD_ALPHABET, 24),
    deployKey,
  };
}

/** The comment of an environment's deploy key: what a Git host shows beside it. */
export function deployKeyComment(envSlug: string): string {
  return `pressluft-${envSlug}`;
}

/** Every secret value of a set, to register with the job (ctx.addSecret) before anything can print it. */
export function secretValues(secrets: EnvironmentSecrets): string[] {
  return [secrets.dbPassword, secrets.adminPassword, ...Object.values(secrets.wpSalts), ...(secrets.deployKey ? [secrets.deployKey.privateKey] : [])];
}
