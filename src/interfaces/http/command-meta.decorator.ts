import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { CommandMeta } from '../../application/common/command-meta';
import { DomainError } from '../../domain/common/domain-error';
import './auth/request-principal';
import { idempotencyOf } from './idempotency';

const TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The actor of a request nobody signed (only the public routes see it, e.g. a failed login). */
export const ANONYMOUS_ACTOR = 'anonymous';

/**
 * Builds the CommandMeta of a request: actor (the authenticated principal), the command id of its
 * Idempotency-Key (scoped to caller + route, see idempotency.ts; ignored without a caller), X-Correlation-Id and If-Match.
 */
export function commandMetaOf(request: FastifyRequest): CommandMeta {
  const key = header(request, 'idempotency-key');
  // request.id is the valid X-Correlation-Id or a fresh UUID (see request-id.ts); an invalid header is refused below.
  const correlationId = header(request, 'x-correlation-id') ?? request.id ?? randomUUID();
  for (const [name, value] of [['Idempotency-Key', key], ['X-Correlation-Id', correlationId]] as const) {
    if (value !== undefined && !TOKEN.test(value)) throw new DomainError('VALIDATION_FAILED', `${name} must match ${TOKEN.source}`, { header: name });
  }
  const idempotency = idempotencyOf(request, key);
  const ifMatch = parseIfMatch(header(request, 'if-match'));
  return {
    actor: request.principal?.actor ?? ANONYMOUS_ACTOR,
    commandId: idempotency?.commandId ?? randomUUID(),
    ...(idempotency ? { requestHash: idempotency.requestHash } : {}),
    correlationId,
    ...(ifMatch === undefined ? {} : { ifMatch }),
  };
}

/** `If-Match: "7"` (or W/"7", or 7) -> 7. */
export function parseIfMatch(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,12})"?$/.exec(raw.trim());
  if (!match) throw new DomainError('INVALID_IF_MATCH', 'If-Match must be a version tag such as "3"', { ifMatch: raw.slice(0, 64) });
  return Number(match[1]);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext) => commandMetaOf(ctx.switchToHttp().getRequest()));
