/**
 * A job's worker log (the handler's ctx.log lines: package step, launch/attach, one line per Ansible
 * task and result, the recap) after line `afterSeq`, plus the remote runs the job launched.
 */
export class ReadJobRunLogQuery {
  constructor(
    readonly jobId: string,
    readonly afterSeq = 0,
    readonly limit = 500,
  ) {}
}

/** The parsed Ansible events (events.jsonl lines) of one run of a job, after `afterSeq`. */
export class ListRunEventsQuery {
  constructor(
    readonly jobId: string,
    readonly runId: string,
    readonly afterSeq = 0,
    readonly limit = 500,
  ) {}
}
