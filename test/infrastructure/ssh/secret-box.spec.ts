import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { SecretBox } from '../../../src/infrastructure/secrets/secret-box';
import { FileControlPlaneKey } from '../../../src/infrastructure/ssh/file-control-plane-key';

describe('SecretBox and the control plane key', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pl-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a 0600 32-byte key file once and round-trips secrets', () => {
    const box = SecretBox.openOrCreate(dir);
    const keyFile = join(dir, 'secret.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile)).toHaveLength(32);
    const before = readFileSync(keyFile);
    const sealed = box.seal('s3cret', 'ctx');
    expect(sealed.includes(Buffer.from('s3cret'))).toBe(false);
    expect(SecretBox.openOrCreate(dir).open(sealed, 'ctx').toString()).toBe('s3cret');
    expect(readFileSync(keyFile).equals(before)).toBe(true);
  });

  it('refuses tampered data, another context and another key', () => {
    const box = SecretBox.openOrCreate(dir);
    const sealed = box.seal('s3cret', 'ctx');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => box.open(tampered, 'ctx')).toThrow(/decrypted/);
    expect(() => box.open(sealed, 'other')).toThrow(/decrypted/);
    expect(() => SecretBox.fromKey(Buffer.alloc(32, 7)).open(sealed, 'ctx')).toThrow(/decrypted/);
  });

  it('generates the ed25519 key once, stores it encrypted and reports an ssh-keygen style fingerprint', () => {
    const box = SecretBox.openOrCreate(dir);
    const key = FileControlPlaneKey.loadOrCreate(dir, box, 'pressluft@test');
    expect(key.publicKey()).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/=]+ pressluft@test$/);
    expect(key.fingerprint()).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const enc = readFileSync(join(dir, 'ssh', 'id_ed25519.enc'));
    expect(statSync(join(dir, 'ssh', 'id_ed25519.enc')).mode & 0o777).toBe(0o600);
    expect(enc.toString('latin1')).not.toContain('OPENSSH PRIVATE KEY');
    expect(utils.parseKey(key.privateKey())).not.toBeInstanceOf(Error);
    const again = FileControlPlaneKey.loadOrCreate(dir, SecretBox.openOrCreate(dir));
    expect(again.publicKey()).toBe(key.publicKey());
    expect(again.fingerprint()).toBe(key.fingerprint());
    expect(JSON.stringify(again)).not.toContain('PRIVATE');
  });
});

describe('secrets stay out of logs', () => {
  it('inspect() of the key shows only the fingerprint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-secrets-'));
    try {
      const key = FileControlPlaneKey.loadOrCreate(dir, SecretBox.openOrCreate(dir));
      const shown = require('node:util').inspect(key) as string;
      expect(shown).toContain(key.fingerprint());
      expect(shown).not.toContain('PRIVATE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
