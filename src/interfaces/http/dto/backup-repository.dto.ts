import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/*
 * What the url, password and key may be is the domain's business (INVALID_BACKUP_REPOSITORY with
 * details.field), so the DTO only checks their types and lengths.
 */
export class BackupRepositoryDto {
  @ApiProperty({ example: 'sftp:backup@203.0.113.5:/srv/restic/web-1', description: 'An absolute path on the node, sftp:user@host:/path, or sftp://user@host:port//path' })
  @IsString()
  @MaxLength(512)
  url!: string;

  @ApiProperty({ description: 'The repository password (8 to 1024 characters, one line): sealed, never shown again', writeOnly: true })
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ description: 'sftp only: the unencrypted private key the node logs in with (sealed, never shown)', writeOnly: true })
  @IsOptional()
  @IsString()
  @MaxLength(16384)
  sftpKey?: string;
}
