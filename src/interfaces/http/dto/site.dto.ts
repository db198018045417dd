import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { ID_PATTERN } from './list-query.dto';

export class CreateSiteDto {
  @ApiProperty({ example: 'Acme Blog' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ example: 'acme-blog', description: 'Derived from name when absent; names the Linux user, database and directories.' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, { message: 'slug must be 3-32 characters: a-z, 0-9 and -, starting with a letter' })
  slug?: string;

  @ApiProperty()
  @IsString()
  @Matches(ID_PATTERN, { message: 'nodeId must be a node id' })
  nodeId!: string;

  @ApiProperty({ example: 'blog.example.com' })
  @IsString()
  @MaxLength(253)
  domain!: string;

  @ApiProperty({ example: 'admin@example.com' })
  @IsString()
  @MaxLength(254)
  adminEmail!: string;

  @ApiPropertyOptional({ enum: ['8.1', '8.2', '8.3'] })
  @IsOptional()
  @IsIn(['8.1', '8.2', '8.3'])
  phpVersion?: string;
}

export class DeploySourceDto {
  @ApiProperty({ enum: ['archive', 'git', 'wordpress'] })
  @IsIn(['archive', 'git', 'wordpress'])
  type!: 'archive' | 'git' | 'wordpress';

  @ApiPropertyOptional({ description: 'archive: the id POST /api/v1/uploads answered' })
  @ValidateIf((o: DeploySourceDto) => o.type === 'archive' || o.uploadId !== undefined)
  @IsString()
  @Matches(ID_PATTERN, { message: 'uploadId must be an upload id' })
  uploadId?: string;

  @ApiPropertyOptional({
    description:
      'git: the repository (https://, http://, git://, ssh://[user@]host[:port]/path or user@host:path). No credentials in it: ' +
      'a private repository is read with the environment\'s deploy key (GET …/deploy-key) over SSH',
  })
  @ValidateIf((o: DeploySourceDto) => o.type === 'git' || o.url !== undefined)
  @IsString()
  @MaxLength(2048)
  // A user name only in SSH URLs (ssh://git@host/…, git@host:…); none in http(s) or git URLs, where it would be a token.
  @Matches(/^(?:(?:https?|git):\/\/[^\s@'"`$;&|<>\\]+|ssh:\/\/(?:[A-Za-z0-9._-]+@)?[^\s@'"`$;&|<>\\]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s@'"`$;&|<>\\]+)$/, {
    message:
      'url must be an https://, http://, git://, ssh:// or user@host:path repository URL without credentials, whitespace or shell metacharacters',
  })
  url?: string;

  @ApiPropertyOptional({ description: 'git: branch, tag or commit' })
  @IsOptional()
  @IsString()
  @Matches(/^(?!-)[A-Za-z0-9._/-]{1,200}$/, { message: 'ref must be a branch, tag or commit (A-Z a-z 0-9 . _ / -, not starting with -)' })
  ref?: string;

  @ApiPropertyOptional({ description: 'wordpress: core version' })
  @IsOptional()
  @IsString()
  @Matches(/^\d+\.\d+(\.\d+)?$/)
  version?: string;
}

export class CreateDeploymentDto {
  @ApiProperty({ type: DeploySourceDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => DeploySourceDto)
  source!: DeploySourceDto;
}

export class ResetSiteDto {
  @ApiPropertyOptional({ description: 'Why the operator resets the site (recorded in the event).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class RollbackDto {
  @ApiPropertyOptional({ description: 'The release to go back to; the previous release when absent.' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z_-]{1,64}$/, { message: 'releaseId must be a release id' })
  releaseId?: string;

  @ApiPropertyOptional({ description: 'Allow a release marked bad (its deploy was rolled back).' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class CloneEnvironmentDto {
  @ApiProperty({ example: 'staging', description: 'The new environment: a-z, 0-9 and -, up to 20 characters, starting with a letter' })
  @IsString()
  @MaxLength(20)
  name!: string;

  @ApiProperty({ example: 'production', description: 'The environment to copy (release, database, uploads)' })
  @IsString()
  @MaxLength(20)
  sourceEnvironment!: string;

  @ApiPropertyOptional({ description: "The source environment's node when given; another node is refused (CLONE_ACROSS_NODES_UNSUPPORTED)" })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: 'nodeId must be a node id' })
  nodeId?: string;

  @ApiProperty({ example: 'staging.blog.example.com' })
  @IsString()
  @MaxLength(253)
  domain!: string;
}

export class DomainsDto {
  @ApiProperty({ example: 'blog.example.com' })
  @IsString()
  @MaxLength(253)
  primary!: string;

  @ApiProperty({ example: ['www.blog.example.com'], description: 'Answer 301 to the primary domain.' })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  aliases!: string[];
}

export class PromoteDto {
  @ApiProperty({ example: 'production', description: 'The environment this one was cloned from: the one overwritten' })
  @IsString()
  @MaxLength(20)
  target!: string;

  @ApiProperty({ enum: ['code-only', 'content-protect', 'full'], description: 'code-only: the release; content-protect: the release, uploads and every table but the content tables; full: the release, uploads and every table' })
  @IsString()
  @MaxLength(20)
  preset!: string;

  @ApiPropertyOptional({ description: 'Promote although the target drifted where the preset overwrites (the report overridden is recorded)' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['gf_entry'], description: 'Tables of this site (without the prefix) that count as content: the target keeps them under content-protect' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^[A-Za-z0-9_]{1,64}$/, { each: true, message: 'extraContentTables must be table names without the prefix' })
  extraContentTables?: string[];
}
