export class ListSitesQuery {
  constructor(
    readonly limit: number,
    readonly cursor?: string,
    readonly state?: string,
    /** Matches name, slug or primary domain (substring). */
    readonly search?: string,
  ) {}
}
