import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's request id: the caller's X-Correlation-Id when it is a valid token, else a new UUID.
 * It names the request in the log, is echoed as X-Correlation-Id, and becomes the correlationId of
 * the commands the request sends, so the jobs it queues log under the same id.
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-correlation-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && CORRELATION_ID.test(value) ? value : randomUUID();
}
