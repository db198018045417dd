import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { PasswordHasher } from '../../application/auth/auth.ports';

/**
 * scrypt from node:crypto. Parameters: N = 2^15 (cost), r = 8 (block size), p = 1, 16-byte random
 * salt, 32-byte key. Memory per hash = 128 * N * r = 32 MiB, about 50-100 ms of one core: memory-hard,
 * so GPU/ASIC guessing is expensive, and still fast enough for an interactive login. The stored form
 * `scrypt$N$r$p$salt$key` names its parameters, so they can be raised later without breaking old hashes.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export class ScryptPasswordHasher extends PasswordHasher {
  /** Verifying against a missing account still costs one scrypt (same timing). */
  private readonly dummy = `scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;

  async hash(password: string): Promise<string> {
    const { N, r, p, keyLength, saltLength } = SCRYPT_PARAMS;
    const salt = randomBytes(saltLength);
    const key = await derive(password, salt, N, r, p, keyLength);
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  async verify(password: string, stored: string | undefined): Promise<boolean> {
    const parts = (stored ?? this.dummy).split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number);
    if (![N, r, p].every(Number.isInteger) || N > 2 ** 20 || r > 32 || p > 16) return false;
    const expected = Buffer.from(parts[5], 'base64url');
    const key = await derive(password, Buffer.from(parts[4], 'base64url'), N, r, p, expected.length);
    return stored !== undefined && key.length === expected.length && timingSafeEqual(key, expected);
  }
}
