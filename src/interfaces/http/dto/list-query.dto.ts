import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const ID_PATTERN = /^[0-9a-z]{1,64}$/;

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (`next`).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export const SITE_STATES_FILTER = ['PROVISIONING', 'ACTIVE', 'DEPLOYING', 'CLONING', 'RESTORING', 'RESETTING', 'DELETING_ENVIRONMENT', 'DELETING', 'DELETED', 'FAILED'];

export class ListSitesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SITE_STATES_FILTER })
  @IsOptional()
  @IsIn(SITE_STATES_FILTER)
  state?: string;

  @ApiPropertyOptional({ description: 'Substring of name, slug or domain.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class ListNodesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'bootstrapping', 'ready', 'unreachable', 'failed', 'decommissioned'] })
  @IsOptional()
  @IsIn(['pending', 'bootstrapping', 'ready', 'unreachable', 'failed', 'decommissioned'])
  status?: string;
}

export class ListJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['queued', 'running', 'retry_wait', 'succeeded', 'failed', 'cancelled'] })
  @IsOptional()
  @IsIn(['queued', 'running', 'retry_wait', 'succeeded', 'failed', 'cancelled'])
  state?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID_PATTERN)
  siteId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID_PATTERN)
  nodeId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[a-z][a-z0-9.-]{0,63}$/)
  kind?: string;
}

/** `?after=<seq>&limit=` of the job log and run event endpoints. */
export class SeqCursorQueryDto {
  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'Return entries after this seq (the `next` of the previous answer).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after: number = 0;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 500;
}
