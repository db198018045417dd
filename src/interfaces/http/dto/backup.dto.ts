import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';

export class RequestBackupDto {
  @ApiProperty({ enum: ['db', 'files', 'full'], description: 'db: the database; files: shared/ (uploads, wp-config.php) and the current release; full: both.' })
  @IsIn(['db', 'files', 'full'])
  scope!: string;
}

export class RequestRestoreDto {
  @ApiProperty({ description: 'A completed backup of this environment (GET …/backups).' })
  @IsString()
  @Matches(/^[0-9A-Za-z_-]{1,64}$/, { message: 'backupId must be a backup id' })
  backupId!: string;
}
