export class ListNodesQuery {
  constructor(
    readonly limit: number,
    readonly cursor?: string,
    readonly status?: string,
  ) {}
}
