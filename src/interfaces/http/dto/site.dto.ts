import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
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

  @ApiPropertyOptional({ description: 'archive or git: where the code comes from (https URL or path on the node)' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^[^\s'"`$;&|<>\\]+$/, { message: 'url must not contain whitespace or shell metacharacters' })
  url?: string;

  @ApiPropertyOptional({ description: 'git: branch, tag or commit' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._/-]{1,200}$/)
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
