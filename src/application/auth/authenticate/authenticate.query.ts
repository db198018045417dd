/** Resolves the credentials of a request (bearer token or session cookie secret) to a Principal or null. */
export class AuthenticateQuery {
  constructor(
    readonly credentials: { readonly bearer?: string; readonly sessionSecret?: string },
    /** false: only check (a long-lived stream re-checking its session must not keep the session from idling out). */
    readonly touch = true,
  ) {}
}
