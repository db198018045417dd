/** Resolves the credentials of a request (bearer token or session cookie secret) to a Principal or null. */
export class AuthenticateQuery {
  constructor(readonly credentials: { readonly bearer?: string; readonly sessionSecret?: string }) {}
}
