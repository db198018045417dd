import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SecretTokens } from '../../application/auth/auth.ports';

/**
 * Session cookies and API token secrets: 256 random bits. Stored as sha256 (a slow hash adds nothing
 * for secrets of this entropy, and every request checks one). The CSRF token of a session is
 * HMAC-SHA256(session secret, "csrf"): bound to the session, never stored, useless without the cookie.
 */
export class NodeSecretTokens extends SecretTokens {
  newSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  digest(secret: string): string {
    return createHash('sha256').update(secret).digest('hex');
  }

  csrfFor(sessionSecret: string): string {
    return createHmac('sha256', sessionSecret).update('pressluft-csrf-v1').digest('base64url');
  }

  safeEqual(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }
}
