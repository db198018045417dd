export class GetNodeQuery {
  constructor(readonly nodeId: string) {}
}
