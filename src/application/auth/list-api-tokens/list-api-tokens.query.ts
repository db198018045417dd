export class ListApiTokensQuery {
  constructor(
    readonly limit: number,
    readonly cursor?: string,
    /** Include revoked tokens (default true: the page shows them greyed out). */
    readonly includeRevoked = true,
  ) {}
}
