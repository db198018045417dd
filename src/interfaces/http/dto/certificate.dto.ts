import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class RequestCertificateDto {
  @ApiPropertyOptional({ description: 'Ask the CA for a new certificate even when the installed one is still good (renew now).' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ description: 'Send Strict-Transport-Security once HTTPS is on; absent keeps the current choice (off at first).' })
  @IsOptional()
  @IsBoolean()
  hsts?: boolean;
}
