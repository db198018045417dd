import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';

export class CreateApiTokenDto {
  @ApiProperty({ example: 'deploy-bot', description: '1-64 letters, digits, spaces or ._:@()/-' })
  @IsString()
  @Length(1, 64)
  name!: string;

  @ApiProperty({ enum: ['read', 'write'], description: 'read: GET only; write: everything the API offers' })
  @IsIn(['read', 'write'])
  scope!: 'read' | 'write';
}
