import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';

const TOKEN = /^[A-Za-z0-9._:@-]{1,128}$/;

export class EventsQueryDto {
  @ApiPropertyOptional({ description: 'Stream id, e.g. site-<id>' })
  @IsOptional()
  @Matches(/^[a-z]+-[0-9a-z]{1,64}$/)
  stream?: string;

  @ApiPropertyOptional({ description: 'Event type, e.g. SiteCreated' })
  @IsOptional()
  @Matches(/^[A-Z][A-Za-z]{1,63}$/)
  type?: string;

  @ApiPropertyOptional({ description: 'Actor, e.g. user:<id>, token:<id> or system:worker' })
  @IsOptional()
  @Matches(TOKEN)
  actor?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(TOKEN)
  correlationId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(TOKEN)
  causationId?: string;

  @ApiPropertyOptional({ description: 'Recorded at or after (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Recorded at or before (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Global position to continue after (the `next` of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;
}
