import type { DeployKeyPair } from './deploy-key-generator.port';

/** The secrets of one site environment: generated once, stored sealed, reused on every retry. */
export interface EnvironmentSecrets {
  readonly dbPassword: string;
  /** The 8 WordPress keys and salts (AUTH_KEY … NONCE_SALT). */
  readonly wpSalts: Readonly<Record<string, string>>;
  readonly adminPassword: string;
  /**
   * The environment's git deploy key (OpenSSH private key + public line), made with the other secrets.
   * Environments created before deploy keys existed have none.
   */
  readonly deployKey?: DeployKeyPair;
}

/**
 * Sealed at rest (AES-256-GCM, SecretBox) in the control plane's database; never in events, logs,
 * API responses or pages. `create` inside the caller's transaction stores a set only when none exists.
 */
export abstract class SiteSecretStore {
  abstract get(siteId: string, environment: string): EnvironmentSecrets | undefined;
  /** Stores `secrets` unless the environment already has some; returns what is stored. */
  abstract create(siteId: string, environment: string, secrets: EnvironmentSecrets): EnvironmentSecrets;
  /** Replaces the stored set (e.g. to add the deploy key). */
  abstract update(siteId: string, environment: string, secrets: EnvironmentSecrets): void;
  /** Forgets a deleted site's secrets. */
  abstract removeSite(siteId: string): void;
  /** Forgets the secrets of one deleted environment. */
  abstract removeEnvironment(siteId: string, environment: string): void;
}
