/**
 * The live log of a job: lines after a cursor. `after` is the opaque `id` of the last line the reader
 * has (the SSE Last-Event-ID); undefined = from the start.
 */
export class ReadJobLogQuery {
  constructor(
    readonly jobId: string,
    readonly after: string | undefined,
    readonly limit = 500,
  ) {}
}
