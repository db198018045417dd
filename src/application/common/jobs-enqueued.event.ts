/** In-memory doorbell published after a command queued jobs (the jobs are already committed). */
export class JobsEnqueued {
  constructor(readonly jobIds: readonly string[]) {}
}
