import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DatabaseBackup, DatabaseBackupReport } from '../../ports/database-backup.port';
import { BackupDatabaseCommand } from './backup-database.command';

@CommandHandler(BackupDatabaseCommand)
export class BackupDatabaseHandler implements ICommandHandler<BackupDatabaseCommand, DatabaseBackupReport> {
  constructor(private readonly backup: DatabaseBackup) {}

  execute({ file }: BackupDatabaseCommand): Promise<DatabaseBackupReport> {
    return this.backup.backup(file);
  }
}
