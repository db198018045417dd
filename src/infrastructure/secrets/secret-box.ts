import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

const MAGIC = Buffer.from('PLSB1'); // format tag + version
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * AES-256-GCM for secrets at rest. The 32-byte key lives in `<dataDir>/secret.key` (0600, created on
 * first start). Sealed layout: "PLSB1" | iv(12) | tag(16) | ciphertext. The optional `context` is bound
 * as additional authenticated data, so a blob sealed for one purpose cannot be opened as another.
 * Plaintexts never leave this class other than as the return value of open().
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** Loads `<dataDir>/secret.key`, creating it (0600, random) on first use. */
  static openOrCreate(dataDir: string): SecretBox {
    return new SecretBox(loadOrCreateKeyFile(join(dataDir, 'secret.key')));
  }

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== KEY_BYTES) throw new Error(`secret key must be ${KEY_BYTES} bytes`);
    return new SecretBox(Buffer.from(key));
  }

  seal(plaintext: Buffer | string, context = ''): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
  }

  /** Throws when the blob was tampered with, sealed with another key or for another context. */
  open(sealed: Buffer, context = ''): Buffer {
    if (sealed.length < MAGIC.length + IV_BYTES + TAG_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new Error('not a sealed secret');
    }
    const iv = sealed.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
    const tag = sealed.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error('secret could not be decrypted (wrong key or tampered data)');
    }
  }

  /** Seals and writes a file atomically with mode 0600. */
  writeSealedFile(file: string, plaintext: Buffer | string, context = ''): void {
    writeFileAtomic(file, this.seal(plaintext, context), 0o600);
  }

  readSealedFile(file: string, context = ''): Buffer {
    return this.open(readFileSync(file), context);
  }
}

function loadOrCreateKeyFile(file: string): Buffer {
  if (!existsSync(file)) {
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // 'wx': two processes starting at once cannot both create (and later disagree on) the key.
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, randomBytes(KEY_BYTES));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) chmodSync(file, 0o600);
  const key = readFileSync(file);
  if (key.length !== KEY_BYTES) throw new Error(`${file} must hold exactly ${KEY_BYTES} bytes`);
  return key;
}

export function writeFileAtomic(file: string, content: Buffer | string, mode: number): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
