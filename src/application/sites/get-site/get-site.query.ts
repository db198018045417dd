export class GetSiteQuery {
  constructor(readonly siteId: string) {}
}
