/** Ports of authentication; the adapters live in src/infrastructure/auth. */

/** Memory-hard password hashing (scrypt). The stored string names its own parameters. */
export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  abstract verify(password: string, stored: string | undefined): Promise<boolean>;
}

/** Random secrets (session cookies, API tokens), their digests and the CSRF token of a session. */
export abstract class SecretTokens {
  /** 32 random bytes, base64url (43 characters). */
  abstract newSecret(): string;
  /** sha256 hex of a secret: what is stored instead of the secret. */
  abstract digest(secret: string): string;
  /** The CSRF token of a session, derived from its (never stored) cookie secret. */
  abstract csrfFor(sessionSecret: string): string;
  /** Constant-time string comparison. */
  abstract safeEqual(a: string, b: string): boolean;
}

export interface SessionRecord {
  readonly id: string;
  readonly userId: string;
  readonly email: string;
  /** epoch ms */
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly revokedAt: number | null;
}

export interface TokenCredential {
  readonly id: string;
  readonly scope: 'read' | 'write';
  readonly name: string;
  readonly revoked: boolean;
  readonly secretDigest: string;
  readonly lastUsedAt: number | null;
  /** ISO time from which the token is refused; null = never. */
  readonly expiresAt: string | null;
}

/**
 * Operational auth state that is not an event: password hashes, session rows (with their hashed cookie
 * values and last-seen times) and API token digests and last-used times. Writes join the caller's
 * transaction (UnitOfWork), so an event and its secret row commit together.
 */
export abstract class AuthStore {
  abstract setPasswordHash(userId: string, hash: string, atMs: number): void;
  abstract credentialsByEmail(email: string): { userId: string; passwordHash: string } | undefined;
  abstract userCount(): number;
  abstract insertSession(session: { id: string; digest: string; userId: string; atMs: number; ip: string }): void;
  abstract sessionByDigest(digest: string): SessionRecord | undefined;
  abstract touchSession(id: string, atMs: number): void;
  abstract revokeSession(id: string, atMs: number): void;
  abstract setTokenSecret(tokenId: string, digest: string): void;
  abstract tokenCredential(tokenId: string): TokenCredential | undefined;
  abstract touchToken(tokenId: string, atMs: number): void;
}

/** Session lifetimes and sign-in throttling (from settings). */
export abstract class AuthPolicy {
  /** A session unused for this long is over. */
  abstract readonly sessionIdleMs: number;
  /** A session is over this long after login, used or not. */
  abstract readonly sessionAbsoluteMs: number;
  abstract readonly login: LoginLimits;
}

export interface LoginLimits {
  /** Failures per account, and per client IP, that cost nothing but the failure itself. */
  readonly accountAttempts: number;
  readonly ipAttempts: number;
  /** The wait after the free attempts; it doubles with every further failure (capped, see LoginThrottle). */
  readonly delayMs: number;
  /** Password checks running at once; more wait in a short queue, beyond it they are refused. */
  readonly maxConcurrent: number;
}
