export interface DatabaseBackupReport {
  readonly file: string;
  readonly bytes: number;
  /** Events in the copy and its newest position (the copy is one consistent snapshot). */
  readonly events: number;
  readonly headPosition: number;
}

/** A consistent copy of the live database (SQLite's online backup), safe while the service writes. */
export abstract class DatabaseBackup {
  abstract backup(file: string): Promise<DatabaseBackupReport>;
}
