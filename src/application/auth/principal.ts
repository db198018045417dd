/** Who is calling: a signed-in user (session cookie) or an API token. */
export interface Principal {
  readonly kind: 'user' | 'token';
  /** `user:<id>` or `token:<id>`: what events record as metadata.actor. */
  readonly actor: string;
  /** Users may do everything; tokens are `read` (GET/HEAD only) or `write`. */
  readonly scope: 'read' | 'write';
  readonly userId: string | null;
  readonly email: string | null;
  readonly tokenId: string | null;
  readonly tokenName: string | null;
  readonly sessionId: string | null;
  /** The CSRF token forms of this session carry (sessions only). */
  readonly csrfToken: string | null;
}

export const API_TOKEN_PREFIX = 'pl';

/** `pl_<tokenId>_<secret>` -> its parts, or undefined when it is not shaped like a Pressluft token. */
export function parseApiToken(raw: string): { tokenId: string; secret: string } | undefined {
  const match = /^pl_([0-9a-z]{1,64})_([A-Za-z0-9_-]{43})$/.exec(raw);
  return match ? { tokenId: match[1], secret: match[2] } : undefined;
}

export function formatApiToken(tokenId: string, secret: string): string {
  return `${API_TOKEN_PREFIX}_${tokenId}_${secret}`;
}
