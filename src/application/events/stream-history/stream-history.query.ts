export class StreamHistoryQuery {
  constructor(readonly streamId: string) {}
}
