import { QueryBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CheckIdempotencyKeyQuery } from '../../application/common/check-idempotency-key/check-idempotency-key.query';
import { setRetryAfter, toApiError } from './api-error.filter';
import './auth/request-principal';

/**
 * An `Idempotency-Key` is scoped to its caller and route: the command id is derived from the actor,
 * the method, the route pattern and the key, so the same key from another caller or on another route
 * is another command. The request hash (method, path with query, body) is stored with the command; a
 * repeat with another request is refused (IDEMPOTENCY_KEY_REUSED). Without an authenticated caller
 * (the sign-in form) the header is ignored.
 */
export interface Idempotency {
  readonly commandId: string;
  readonly requestHash: string;
}

export function idempotencyOf(request: FastifyRequest, key: string | undefined): Idempotency | undefined {
  const actor = request.principal?.actor;
  if (key === undefined || !actor) return undefined;
  const scope = sha256([actor, request.method, request.routeOptions.url ?? request.url.split('?')[0], key].join('\n'));
  return {
    commandId: `idem-${scope.slice(0, 48)}`,
    requestHash: sha256([request.method, request.url, stableJson(request.body ?? null)].join('\n')),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with sorted keys, so the same body hashes the same however its fields were ordered. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** preHandler (the body is parsed, the caller known): a reused key with another request is answered 422 before any handler runs. */
export function installIdempotencyCheck(fastify: FastifyInstance, queries: QueryBus): void {
  fastify.addHook('preHandler', async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    const raw = request.headers['idempotency-key'];
    const idempotency = idempotencyOf(request, Array.isArray(raw) ? raw[0] : raw);
    if (!idempotency) return;
    try {
      await queries.execute(new CheckIdempotencyKeyQuery(idempotency.commandId, idempotency.requestHash));
    } catch (error) {
      const { status, body } = toApiError(error);
      setRetryAfter(reply, status, body.details);
      return reply.code(status).type('application/json; charset=utf-8').send(body);
    }
  });
}
