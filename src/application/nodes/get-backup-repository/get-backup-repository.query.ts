/** A node's restic repository (BACKUP_REPOSITORY_NOT_FOUND when it has none). */
export class GetBackupRepositoryQuery {
  constructor(readonly nodeId: string) {}
}
