import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../../domain/common/domain-error';
import { ERROR_CODES, ErrorCode, ErrorKind } from '../../domain/common/error-codes';

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition: 412,
  payload_too_large: 413,
  rule: 422,
  rate_limited: 429,
  unreachable: 502,
  internal: 500,
};

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** Maps any error to `{code, message, details}` and the status its code's kind calls for. */
export function toApiError(error: unknown): { status: number; body: ApiErrorBody } {
  if (error instanceof DomainError) {
    return { status: STATUS_OF_KIND[ERROR_CODES[error.code].kind], body: { code: error.code, message: error.message, details: error.details } };
  }
  // Nest turns Fastify's own errors (body too large, bad JSON, wrong media type) into plain HttpExceptions.
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return body(404, 'NOT_FOUND', 'No such route.');
    if (status === 413) return body(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.');
    if (status === 415) return body(400, 'VALIDATION_FAILED', 'Send JSON (Content-Type: application/json).');
    if (status === 400 && /JSON/.test(error.message)) return body(400, 'MALFORMED_JSON', 'The request body is not valid JSON.');
    if (status < 500) return body(status, 'VALIDATION_FAILED', error.message);
  }
  return body(500, 'INTERNAL', 'An unexpected error occurred.');
}

/** 429 answers say when to come back (Retry-After, seconds) from details.retryAfterSeconds. */
export function setRetryAfter(reply: FastifyReply, status: number, details: Record<string, unknown>): void {
  const seconds = details.retryAfterSeconds;
  if (status === 429 && typeof seconds === 'number' && Number.isFinite(seconds)) reply.header('Retry-After', String(Math.max(1, Math.ceil(seconds))));
}

function body(status: number, code: ErrorCode, message: string) {
  return { status, body: { code, message, details: {} } };
}

@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const { status, body: payload } = toApiError(error);
    if (status >= 500) this.logger.error(error instanceof Error ? error : String(error));
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    setRetryAfter(reply, status, payload.details);
    reply.status(status).send(payload);
  }
}
