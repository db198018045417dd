/** The backups of one site environment, newest first. */
export class ListBackupsQuery {
  constructor(
    readonly siteId: string,
    readonly environment: string,
  ) {}
}
