/**
 * In-memory doorbell published after a cancel of a running job was committed: the worker of this
 * process aborts the job's handler at once instead of noticing the flag at its next heartbeat.
 */
export class JobCancelRequested {
  constructor(readonly jobId: string) {}
}
