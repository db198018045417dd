import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { AnchorSigner, AnchorStatement, SignedAnchor } from '../../application/ports/chain-anchor.port';
import { canonicalJson } from '../event-store/canonical-json';

/**
 * ed25519 (node:crypto) with the private key in its own PEM file (PRESSLUFT_ANCHOR_KEY_FILE, 0600 in a
 * 0700 directory), created on first use. Keep a copy of the file (or of its public key) where the
 * database's attacker cannot write; verifying an anchor needs the same key.
 */
export class Ed25519AnchorSigner extends AnchorSigner {
  private key?: { privateKey: KeyObject; publicKey: KeyObject; fingerprint: string };

  constructor(private readonly keyFile: string) {
    super();
  }

  sign(statement: AnchorStatement): SignedAnchor {
    const key = this.load(true);
    const signature = sign(null, Buffer.from(canonicalJson(fields(statement))), key.privateKey).toString('base64url');
    return { ...fields(statement), keyFingerprint: key.fingerprint, signature };
  }

  verify(anchor: SignedAnchor): boolean {
    const key = this.load(false);
    if (anchor.keyFingerprint !== key.fingerprint) return false;
    try {
      return verify(null, Buffer.from(canonicalJson(fields(anchor))), key.publicKey, Buffer.from(anchor.signature, 'base64url'));
    } catch {
      return false;
    }
  }

  private load(create: boolean) {
    if (this.key) return this.key;
    if (!existsSync(this.keyFile)) {
      if (!create) throw new Error(`no anchor key at ${this.keyFile} (PRESSLUFT_ANCHOR_KEY_FILE): anchors cannot be checked without the key that signed them`);
      mkdirSync(dirname(this.keyFile), { recursive: true, mode: 0o700 });
      const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      try {
        const fd = openSync(this.keyFile, 'wx', 0o600);
        try {
          writeSync(fd, pem);
        } finally {
          closeSync(fd);
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    if (statSync(this.keyFile).mode & 0o077) chmodSync(this.keyFile, 0o600);
    const privateKey = createPrivateKey(readFileSync(this.keyFile));
    const publicKey = createPublicKey(privateKey);
    const fingerprint = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
    this.key = { privateKey, publicKey, fingerprint };
    return this.key;
  }
}

/** Exactly the signed fields (an anchor file may carry more; they are not signed and not trusted). */
function fields(s: AnchorStatement): AnchorStatement {
  return { format: s.format, position: s.position, hash: s.hash, recordedAt: s.recordedAt, anchoredAt: s.anchoredAt };
}
