/** One round of the restic check scheduler at `now` (ISO): a check for every repository not checked for `intervalMs`. */
export class RunBackupRepositoryChecksCommand {
  constructor(
    readonly now: string,
    readonly intervalMs: number,
  ) {}
}
