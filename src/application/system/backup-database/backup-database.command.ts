/** Copies the database to `file` (which must not exist) with SQLite's online backup, then checks the copy. */
export class BackupDatabaseCommand {
  constructor(readonly file: string) {}
}
