import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { utils } from 'ssh2';
import { ControlPlaneKey } from '../../application/ports/remote-shell.port';
import { SecretBox, writeFileAtomic } from '../secrets/secret-box';
import { fingerprintOfPublicKeyLine } from './host-key';

const CONTEXT = 'pressluft:ssh:id_ed25519';

/** Tries before giving up; a bad pair comes once in 256, so a second try practically always does. */
const KEYGEN_TRIES = 8;

/**
 * An ed25519 pair ssh2 can read back. ssh2's generator strips leading zero bytes from the public key,
 * so about one pair in 256 is malformed (mscdex/ssh2#1390, #1513): such a pair is never stored, or the
 * control plane could not start again. Fresh pairs are drawn until both halves parse.
 */
export function generateParsableKeyPair(comment: string): { private: string; public: string } {
  for (let i = 0; i < KEYGEN_TRIES; i++) {
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
  throw new Error(`no readable ed25519 key pair in ${KEYGEN_TRIES} tries`);
}

/**
 * The control plane's ed25519 key pair: generated on first start (OpenSSH format), the private key
 * sealed with the SecretBox in `<dataDir>/ssh/id_ed25519.enc`, the public line in `id_ed25519.pub`.
 * `privateKey()` is for the SSH adapter only and is never logged.
 */
export class FileControlPlaneKey extends ControlPlaneKey {
  private constructor(
    private readonly privatePem: string,
    private readonly publicLine: string,
  ) {
    super();
  }

  static loadOrCreate(dataDir: string, box: SecretBox, comment = `pressluft@${hostname()}`): FileControlPlaneKey {
    const dir = join(dataDir, 'ssh');
    const encFile = join(dir, 'id_ed25519.enc');
    const pubFile = join(dir, 'id_ed25519.pub');
    if (!existsSync(encFile)) {
      const pair = generateParsableKeyPair(comment);
      writeFileAtomic(pubFile, `${pair.public.trim()}\n`, 0o600);
      box.writeSealedFile(encFile, pair.private, CONTEXT);
    }
    let privatePem: string;
    try {
      privatePem = box.readSealedFile(encFile, CONTEXT).toString('utf8');
    } catch (err) {
      throw new Error(`${encFile} cannot be opened with this data directory's secret.key (${(err as Error).message}): put back the secret.key saved with it (docs/control-plane-backup.md)`);
    }
    const parsed = utils.parseKey(privatePem);
    if (parsed instanceof Error) throw new Error(`control plane key is unreadable: ${parsed.message}`);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    // The public line is derived from the private key, so a lost or edited .pub file cannot disagree.
    const savedComment = existsSync(pubFile) ? readFileSync(pubFile, 'utf8').trim().split(/\s+/).slice(2).join(' ') : '';
    const publicLine = `${key.type} ${key.getPublicSSH().toString('base64')} ${savedComment || comment}`;
    if (!existsSync(pubFile)) writeFileAtomic(pubFile, `${publicLine}\n`, 0o600);
    return new FileControlPlaneKey(privatePem, publicLine);
  }

  publicKey(): string {
    return this.publicLine;
  }

  fingerprint(): string {
    return fingerprintOfPublicKeyLine(this.publicLine);
  }

  /** OpenSSH-format private key for ssh2's `privateKey` option. */
  privateKey(): string {
    return this.privatePem;
  }

  toJSON(): Record<string, string> {
    return { publicKey: this.publicLine, fingerprint: this.fingerprint() };
  }

  [inspect.custom](): string {
    return `FileControlPlaneKey(${this.fingerprint()})`;
  }
}
