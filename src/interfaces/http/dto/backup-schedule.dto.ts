import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Matches } from 'class-validator';

/*
 * The cron expression, time zone and retention are checked by the domain (INVALID_CRON_EXPRESSION,
 * INVALID_TIME_ZONE, INVALID_RETENTION with what is wrong), so the DTO only checks their types.
 */
export class RetentionDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1000, description: 'The newest N scheduled backups' })
  keepLast?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1000, description: 'The newest scheduled backup of each of the last N days that have one' })
  keepDaily?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1000, description: 'The newest of each of the last N ISO weeks that have one' })
  keepWeekly?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1000, description: 'The newest of each of the last N months that have one' })
  keepMonthly?: number;
}

export class BackupScheduleDto {
  @ApiProperty({ example: '30 2 * * *', description: '5 fields: minute hour day-of-month month day-of-week (read in timeZone)' })
  @IsString()
  cron!: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'IANA time zone; UTC when absent' })
  @IsOptional()
  @IsString()
  timeZone?: string;

  @ApiPropertyOptional({ enum: ['db', 'files', 'full'], description: 'full when absent' })
  @IsOptional()
  @IsIn(['db', 'files', 'full'])
  scope?: string;

  @ApiProperty({ type: RetentionDto, description: "restic's keep rules; absent rules are 0, at least one above 0" })
  @IsObject()
  retention!: Record<string, unknown>;
}

export const BACKUP_ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;

export class BackupIdDto {
  @IsString()
  @Matches(BACKUP_ID_PATTERN, { message: 'backupId must be a backup id' })
  backupId!: string;
}
