import type { Statement } from 'better-sqlite3';
import { AuthStore, SessionRecord, TokenCredential } from '../../application/auth/auth.ports';
import type { Database } from '../sqlite/database';

export class SqliteAuthStore extends AuthStore {
  private readonly stmt: Record<string, Statement>;

  constructor(db: Database) {
    super();
    this.stmt = {
      setPassword: db.prepare(`INSERT INTO user_credentials (user_id, password_hash, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`),
      byEmail: db.prepare(`SELECT u.id AS userId, c.password_hash AS passwordHash FROM rm_users u
        JOIN user_credentials c ON c.user_id = u.id WHERE u.email = ?`),
      userCount: db.prepare('SELECT COUNT(*) FROM rm_users').pluck(),
      insertSession: db.prepare(`INSERT INTO auth_sessions (digest, id, user_id, ip, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)`),
      session: db.prepare(`SELECT s.id, s.user_id AS userId, u.email, s.created_at AS createdAt, s.last_seen_at AS lastSeenAt,
        s.revoked_at AS revokedAt FROM auth_sessions s JOIN rm_users u ON u.id = s.user_id WHERE s.digest = ?`),
      touchSession: db.prepare('UPDATE auth_sessions SET last_seen_at = ? WHERE id = ?'),
      revokeSession: db.prepare('UPDATE auth_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      setTokenSecret: db.prepare('INSERT INTO api_token_secrets (token_id, secret_digest) VALUES (?, ?)'),
      token: db.prepare(`SELECT t.id, t.scope, t.name, t.revoked_at IS NOT NULL AS revoked, t.expires_at AS expiresAt, s.secret_digest AS secretDigest,
        u.last_used_at AS lastUsedAt FROM rm_api_tokens t JOIN api_token_secrets s ON s.token_id = t.id
        LEFT JOIN api_token_usage u ON u.token_id = t.id WHERE t.id = ?`),
      touchToken: db.prepare(`INSERT INTO api_token_usage (token_id, last_used_at) VALUES (?, ?)
        ON CONFLICT (token_id) DO UPDATE SET last_used_at = excluded.last_used_at`),
    };
  }

  setPasswordHash(userId: string, hash: string, atMs: number): void {
    this.stmt.setPassword.run(userId, hash, atMs);
  }

  credentialsByEmail(email: string): { userId: string; passwordHash: string } | undefined {
    return this.stmt.byEmail.get(email) as { userId: string; passwordHash: string } | undefined;
  }

  userCount(): number {
    return this.stmt.userCount.get() as number;
  }

  insertSession(s: { id: string; digest: string; userId: string; atMs: number; ip: string }): void {
    this.stmt.insertSession.run(s.digest, s.id, s.userId, s.ip, s.atMs, s.atMs);
  }

  sessionByDigest(digest: string): SessionRecord | undefined {
    return this.stmt.session.get(digest) as SessionRecord | undefined;
  }

  touchSession(id: string, atMs: number): void {
    this.stmt.touchSession.run(atMs, id);
  }

  revokeSession(id: string, atMs: number): void {
    this.stmt.revokeSession.run(atMs, id);
  }

  setTokenSecret(tokenId: string, digest: string): void {
    this.stmt.setTokenSecret.run(tokenId, digest);
  }

  tokenCredential(tokenId: string): TokenCredential | undefined {
    const row = this.stmt.token.get(tokenId) as (Omit<TokenCredential, 'revoked'> & { revoked: number }) | undefined;
    return row ? { ...row, revoked: row.revoked === 1 } : undefined;
  }

  touchToken(tokenId: string, atMs: number): void {
    this.stmt.touchToken.run(tokenId, atMs);
  }
}
