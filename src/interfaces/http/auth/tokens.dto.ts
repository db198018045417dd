import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class CreateApiTokenDto {
  @ApiProperty({ example: 'deploy-bot', description: '1-64 letters, digits, spaces or ._:@()/-' })
  @IsString()
  @Length(1, 64)
  name!: string;

  @ApiProperty({ enum: ['read', 'write'], description: 'read: GET only; write: everything the API offers' })
  @IsIn(['read', 'write'])
  scope!: 'read' | 'write';

  @ApiPropertyOptional({ example: 90, description: 'days until the token is refused (1-3650); omitted = it does not expire' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}
