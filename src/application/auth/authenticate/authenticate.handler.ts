import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Clock } from '../../ports/clock.port';
import { AuthPolicy, AuthStore, SecretTokens } from '../auth.ports';
import { parseApiToken, Principal } from '../principal';
import { AuthenticateQuery } from './authenticate.query';

/** Last-seen / last-used times are written at most this often per session or token. */
const TOUCH_EVERY_MS = 15_000;

/**
 * The one place credentials are checked. Sessions: idle and absolute expiry, revocation. Tokens: the
 * sha256 of the secret part must match the stored digest, and the token must be neither revoked nor expired.
 */
@QueryHandler(AuthenticateQuery)
export class AuthenticateHandler implements IQueryHandler<AuthenticateQuery, Principal | null> {
  constructor(
    private readonly store: AuthStore,
    private readonly tokens: SecretTokens,
    private readonly clock: Clock,
    private readonly policy: AuthPolicy,
  ) {}

  async execute({ credentials, touch }: AuthenticateQuery): Promise<Principal | null> {
    if (credentials.bearer !== undefined) return this.byToken(credentials.bearer, touch);
    if (credentials.sessionSecret !== undefined) return this.bySession(credentials.sessionSecret, touch);
    return null;
  }

  private byToken(raw: string, touch: boolean): Principal | null {
    const parsed = parseApiToken(raw);
    if (!parsed) return null;
    const token = this.store.tokenCredential(parsed.tokenId);
    if (!token || token.revoked || !this.tokens.safeEqual(token.secretDigest, this.tokens.digest(parsed.secret))) return null;
    const now = this.clock.nowMs();
    if (token.expiresAt !== null && now >= Date.parse(token.expiresAt)) return null;
    if (touch && (token.lastUsedAt === null || now - token.lastUsedAt >= TOUCH_EVERY_MS)) this.store.touchToken(token.id, now);
    return {
      kind: 'token',
      actor: `token:${token.id}`,
      scope: token.scope,
      userId: null,
      email: null,
      tokenId: token.id,
      tokenName: token.name,
      sessionId: null,
      csrfToken: null,
    };
  }

  private bySession(secret: string, touch: boolean): Principal | null {
    if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
    const session = this.store.sessionByDigest(this.tokens.digest(secret));
    if (!session || session.revokedAt !== null) return null;
    const now = this.clock.nowMs();
    if (now - session.lastSeenAt > this.policy.sessionIdleMs || now - session.createdAt > this.policy.sessionAbsoluteMs) return null;
    if (touch && now - session.lastSeenAt >= TOUCH_EVERY_MS) this.store.touchSession(session.id, now);
    return {
      kind: 'user',
      actor: `user:${session.userId}`,
      scope: 'write',
      userId: session.userId,
      email: session.email,
      tokenId: null,
      tokenName: null,
      sessionId: session.id,
      csrfToken: this.tokens.csrfFor(secret),
    };
  }
}
