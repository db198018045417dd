/** The certificates of a site (one per environment that has had a request), optionally of one environment. */
export class ListCertificatesQuery {
  constructor(
    readonly siteId: string,
    readonly environment?: string,
  ) {}
}
