export class ListJobsQuery {
  constructor(
    readonly limit: number,
    readonly cursor?: string,
    readonly filter: { state?: string; siteId?: string; nodeId?: string; kind?: string } = {},
  ) {}
}
