import { createHash } from 'node:crypto';

/** OpenSSH-style fingerprint (`ssh-keygen -l`): `SHA256:` + unpadded base64 of sha256(key blob). */
export function sshFingerprint(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Fingerprint of an `ssh-ed25519 AAAA… comment` line. */
export function fingerprintOfPublicKeyLine(line: string): string {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2) throw new Error('not an OpenSSH public key line');
  return sshFingerprint(Buffer.from(parts[1], 'base64'));
}
