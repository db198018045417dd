/** Options of the admin pages, provided by the composition root (from settings). */
export const PAGES_OPTIONS = Symbol('PAGES_OPTIONS');

export interface PagesOptions {
  readonly cookieSecure: 'auto' | 'always';
  /** Session cookie lifetime in seconds (the server-side absolute expiry is what counts). */
  readonly sessionMaxAgeSeconds: number;
  /** Live job log streams one session or API token may hold open at once. */
  readonly sseStreamsPerSession: number;
}
