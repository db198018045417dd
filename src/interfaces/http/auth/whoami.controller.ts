import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { principalOf } from './request-principal';

export class WhoAmIDto {
  @ApiProperty({ example: 'token:01jq3…', description: 'What events record as metadata.actor for this caller' })
  actor!: string;

  @ApiProperty({ enum: ['user', 'token'] })
  kind!: 'user' | 'token';

  @ApiProperty({ enum: ['read', 'write'], description: 'read: GET only; write: everything the API offers' })
  scope!: 'read' | 'write';

  @ApiPropertyOptional({ nullable: true, type: String, description: 'The API token\'s name (tokens only)' })
  tokenName!: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'The signed-in user\'s e-mail (sessions only)' })
  email!: string | null;
}

/** Who the caller is: `pressluft login` checks a token with it before storing it. */
@ApiTags('tokens')
@ApiBearerAuth()
@Controller('api/v1/whoami')
export class WhoAmIController {
  @Get()
  whoami(@Req() request: FastifyRequest): WhoAmIDto {
    const p = principalOf(request);
    // The auth hook answers 401 before this runs when there is no principal (not a public route).
    if (!p) throw new Error('whoami without a principal');
    return { actor: p.actor, kind: p.kind, scope: p.scope, tokenName: p.tokenName, email: p.email };
  }
}
