export class GetJobQuery {
  constructor(readonly jobId: string) {}
}
