import { InvalidValue } from './domain-error';

/*
 * Strict validators for every value that may end up on a node (in a path, a config file, a command
 * argument). Each returns the normalised value or throws InvalidValue. They are allow-lists on purpose:
 * no shell metacharacter, whitespace, quote or non-ASCII look-alike can pass any of them, and no value
 * may start with '-' (so it can never be read as a command-line option).
 */

export const PHP_VERSIONS = ['8.1', '8.2', '8.3'] as const;
export type PhpVersion = (typeof PHP_VERSIONS)[number];
export const DEFAULT_PHP_VERSION: PhpVersion = '8.3';

const SLUG = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Checked before lowercasing: toLowerCase() maps some non-ASCII look-alikes (e.g. the Kelvin sign) to ASCII.
const ASCII_HOSTNAME_CHARS = /^[A-Za-z0-9.-]+$/;
const IPV4_OCTET = /^(?:0|[1-9][0-9]{0,2})$/; // no leading zeros: some tools read them as octal
const SSH_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const EMAIL_LOCAL = /^[A-Za-z0-9_+](?:[A-Za-z0-9._+-]{0,62}[A-Za-z0-9_+-])?$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const NODE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const ASCII_NODE_NAME_CHARS = /^[A-Za-z0-9._-]+$/;
const HOST_KEY_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new InvalidValue(field, `${field} must be a string`);
  return value;
}

function invalid(field: string, value: string, rule: string): InvalidValue {
  return new InvalidValue(field, `${field} ${JSON.stringify(value)} is invalid: ${rule}`, { value });
}

export function parseSlug(value: unknown, field = 'slug'): string {
  const s = requireString(value, field);
  if (!SLUG.test(s) || s.includes('--')) {
    throw invalid(field, s, '3-32 chars of a-z, 0-9, -; starts with a letter, no "--", no trailing "-"');
  }
  return s;
}

/** Derives a valid slug (at most maxLength chars) from a display name; falls back to 'site' when nothing usable is left. */
export function slugify(name: string, maxLength = 32): string {
  let s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // strip accents: "Café" -> "Cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s === '') return 'site';
  if (!/^[a-z]/.test(s) || s.length < 3) s = `site-${s}`;
  s = s.slice(0, maxLength).replace(/-+$/, '');
  return SLUG.test(s) && !s.includes('--') ? s : 'site';
}

export function parseDomain(value: unknown, field = 'domain'): string {
  const raw = requireString(value, field);
  if (!ASCII_HOSTNAME_CHARS.test(raw)) throw invalid(field, raw, 'only letters, digits, "." and "-"');
  const s = raw.toLowerCase();
  if (s.length > 253) throw invalid(field, s, 'at most 253 characters');
  const labels = s.split('.');
  if (labels.length < 2) throw invalid(field, s, 'needs at least one dot');
  if (!labels.every((l) => DOMAIN_LABEL.test(l))) {
    throw invalid(field, s, 'labels of 1-63 chars, not starting or ending with "-", no empty label');
  }
  // An all-numeric TLD would make "999.1.1.1" a "domain"; IPs go through parseHost's IPv4 check.
  if (/^[0-9]+$/.test(labels[labels.length - 1])) throw invalid(field, s, 'top-level label is numeric');
  return s;
}

function isIpv4(s: string): boolean {
  const octets = s.split('.');
  return octets.length === 4 && octets.every((o) => IPV4_OCTET.test(o) && Number(o) <= 255);
}

/** An IPv4 dotted quad, 'localhost', or a domain name. */
export function parseHost(value: unknown, field = 'host'): string {
  const s = requireString(value, field);
  if (s === 'localhost' || isIpv4(s)) return s;
  if (/^[0-9.]+$/.test(s)) throw invalid(field, s, 'not a valid IPv4 address');
  return parseDomain(s, field);
}

export function parsePort(value: unknown, field = 'port'): number {
  const n = typeof value === 'string' && /^[0-9]{1,5}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new InvalidValue(field, `${field} must be an integer from 1 to 65535`, { value: String(value) });
  }
  return n;
}

export function parseSshUser(value: unknown, field = 'user'): string {
  const s = requireString(value, field);
  if (!SSH_USER.test(s)) throw invalid(field, s, 'a-z, 0-9, _ and -, up to 32 chars, not starting with a digit or -');
  return s;
}

export function parsePhpVersion(value: unknown, field = 'phpVersion'): PhpVersion {
  const s = requireString(value, field);
  const found = PHP_VERSIONS.find((v) => v === s);
  if (!found) throw invalid(field, s, `one of ${PHP_VERSIONS.join(', ')}`);
  return found;
}

/** local@domain with a conservative local part; the domain part is lowercased. */
export function parseEmail(value: unknown, field = 'email'): string {
  const s = requireString(value, field);
  if (s.length > 254) throw invalid(field, s.slice(0, 40) + '…', 'at most 254 characters');
  const at = s.indexOf('@');
  const local = s.slice(0, at);
  if (at < 0 || s.indexOf('@', at + 1) >= 0 || !EMAIL_LOCAL.test(local) || local.includes('..')) {
    throw invalid(field, s, 'expected name@example.com');
  }
  return `${local}@${parseDomain(s.slice(at + 1), field)}`;
}

export function parseEnvironmentName(value: unknown, field = 'environment'): string {
  const s = requireString(value, field);
  if (!ENVIRONMENT_NAME.test(s)) throw invalid(field, s, 'a-z, 0-9 and -, up to 20 chars, starting with a letter');
  return s;
}

/** Node names are case-insensitive: input is lowercased (after an ASCII check, see parseDomain). */
export function parseNodeName(value: unknown, field = 'name'): string {
  const raw = requireString(value, field);
  const s = raw.toLowerCase();
  if (!ASCII_NODE_NAME_CHARS.test(raw) || !NODE_NAME.test(s)) {
    throw invalid(field, raw, 'a-z, 0-9, ".", "_" and "-", up to 63 chars, starting with a letter or digit');
  }
  return s;
}

/** OpenSSH SHA256 fingerprint as printed by `ssh-keygen -lf`: "SHA256:" + 43 base64 chars. */
export function parseHostKeyFingerprint(value: unknown, field = 'hostKeyFingerprint'): string {
  const s = requireString(value, field);
  if (!HOST_KEY_FINGERPRINT.test(s)) throw invalid(field, s, 'expected SHA256:<43 base64 chars>');
  return s;
}

/** Free-text display name (site name). Never used in paths; still refuses control characters. */
export function parseDisplayName(value: unknown, field = 'name'): string {
  const s = requireString(value, field).trim();
  if (s.length < 1 || s.length > 100) throw invalid(field, s, '1-100 characters');
  if (CONTROL_CHARS.test(s)) throw invalid(field, s, 'no control characters');
  return s;
}
