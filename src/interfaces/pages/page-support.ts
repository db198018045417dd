import { ArgumentsHost, Catch, createParamDecorator, ExceptionFilter, ExecutionContext, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../application/auth/principal';
import { DomainError } from '../../domain/common/domain-error';
import type { ErrorCode } from '../../domain/common/error-codes';
import { setRetryAfter, toApiError } from '../http/api-error.filter';
import '../http/auth/request-principal';
import { PageRenderer } from './page-renderer';

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | null => {
  return ctx.switchToHttp().getRequest<FastifyRequest>().principal ?? null;
});

export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** 303 See Other: after a successful form post the browser GETs the result page. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('Location', location).send();
}

export type FieldErrors = Record<string, string[]>;

export interface FormFailure {
  status: number;
  errors: FieldErrors;
  formError: { code: ErrorCode; message: string } | null;
}

/**
 * Maps a refused command to messages next to the fields (details.fields / details.field) or above the
 * form. Server-side errors (5xx) go to the error page, except the codes in `shown` (e.g. a 502
 * NODE_UNREACHABLE the operator can fix in the form).
 */
export function formFailure(error: unknown, shown: readonly ErrorCode[] = []): FormFailure {
  const { status, body } = toApiError(error);
  if (status >= 500 && !shown.includes(body.code)) throw error;
  const details = body.details ?? {};
  const errors: FieldErrors = {};
  if (details.fields && typeof details.fields === 'object' && !Array.isArray(details.fields)) {
    for (const [field, messages] of Object.entries(details.fields as Record<string, unknown>)) {
      errors[field] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
    }
  } else if (typeof details.field === 'string') {
    errors[details.field] = [body.message];
  }
  return { status, errors, formError: Object.keys(errors).length > 0 ? null : { code: body.code, message: body.message } };
}

/** Form strings (everything but `_csrf`) -> the API's DTO class, validated the same way; throws VALIDATION_FAILED. */
export function validateForm<T extends object>(dto: new () => T, values: Record<string, unknown>): T {
  const instance = plainToInstance(dto, values);
  const problems = validateSync(instance, { whitelist: true, forbidNonWhitelisted: false });
  if (problems.length > 0) {
    const fields = Object.fromEntries(flatten(problems).map((p) => [p.field, Object.values(p.constraints)]));
    throw new DomainError('VALIDATION_FAILED', 'Some fields are not valid.', { fields });
  }
  return instance;
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; constraints: Record<string, string> }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    return [...(e.constraints ? [{ field, constraints: e.constraints }] : []), ...flatten(e.children ?? [], field)];
  });
}

/** The submitted form as strings (fast-querystring gives arrays for repeated names: keep the last). */
export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === '_csrf') continue;
    const v = Array.isArray(value) ? value[value.length - 1] : value;
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}

/** Optional form field: empty string -> undefined. */
export function optional(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Errors in page controllers become an HTML error page with the API's status for the code. */
@Catch()
@Injectable()
export class PagesErrorFilter implements ExceptionFilter {
  constructor(private readonly renderer: PageRenderer) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const { status, body } = toApiError(error);
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    setRetryAfter(reply, status, body.details);
    const title = status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'Request refused';
    sendHtml(reply, status, this.renderer.render('error', { title, principal: request.principal ?? null, code: body.code, message: body.message }));
  }
}
