import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class RegisterNodeDto {
  @ApiProperty({ example: 'web-1' })
  @IsString()
  @MaxLength(63)
  name!: string;

  @ApiProperty({ example: '203.0.113.10', description: 'IPv4 address or DNS name' })
  @IsString()
  @MaxLength(253)
  host!: string;

  @ApiPropertyOptional({ default: 22 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ default: 'root', description: 'SSH user for the first connection (bootstrap creates the pressluft user)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  user?: string;

  @ApiPropertyOptional({ example: 'SHA256:…', description: 'Pin this host key instead of trusting the first one seen' })
  @IsOptional()
  @IsString()
  @Matches(/^SHA256:[A-Za-z0-9+/]{43}$/)
  hostKeyFingerprint?: string;
}

export class RepinHostKeyDto {
  @ApiPropertyOptional({ example: 'SHA256:…', description: 'Pin this fingerprint; without it the key the node presents now is scanned and pinned' })
  @IsOptional()
  @IsString()
  @Matches(/^SHA256:[A-Za-z0-9+/]{43}$/)
  fingerprint?: string;
}
