/** What a scrubbed secret becomes in stored text. */
export const REDACTED = '[redacted]';
/** Shorter values are not registered: replacing them would mangle ordinary text and hide nothing. */
export const MIN_SECRET_LENGTH = 6;

/**
 * Removes a job's known secrets from text before it is stored (job log lines, run events, failure
 * messages, outcome summaries). Each registered secret is removed in the forms remote output shows it:
 * as is; JSON-escaped; backslash-escaped (Python repr, as Ansible prints dicts); shell single-quoted
 * (`'\''`); URL-encoded (encodeURIComponent, and form encoding with `+`); standalone base64 and
 * base64url (with and without padding); hex (lower case). A secret inside a larger base64 blob or
 * otherwise transformed (hashed, split across lines) is not found: keep secrets out of output (no_log).
 */
export class SecretScrubber {
  private readonly forms = new Set<string>();
  private pattern: RegExp | null = null;

  add(secret: string): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return;
    const before = this.forms.size;
    for (const form of encodings(secret)) if (form.length >= MIN_SECRET_LENGTH) this.forms.add(form);
    if (this.forms.size !== before) this.pattern = null;
  }

  get size(): number {
    return this.forms.size;
  }

  text(value: string): string {
    if (this.forms.size === 0 || value.length < MIN_SECRET_LENGTH) return value;
    this.pattern ??= new RegExp([...this.forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    return value.replace(this.pattern, REDACTED);
  }

  /** Strings (values and keys) anywhere in a JSON-like value; other values unchanged. */
  value<T>(value: T): T {
    if (this.forms.size === 0) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [this.text(k), this.walk(v)]));
    }
    return value;
  }
}

function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const b64 = bytes.toString('base64');
  const b64url = bytes.toString('base64url');
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    secret.replace(/\\/g, '\\\\').replace(/'/g, "\\'"),
    secret.replace(/'/g, `'\\''`),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    b64,
    b64.replace(/=+$/, ''),
    b64url,
    bytes.toString('hex'),
  ];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
