import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '../../domain/common/domain-error';

/**
 * class-validator with whitelist + forbidNonWhitelisted: an unknown field is UNKNOWN_FIELD, any other
 * failure VALIDATION_FAILED; details list every field and what is wrong with it.
 */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const unknown = fields.filter((f) => f.constraints.whitelistValidation);
      if (unknown.length > 0) {
        return new DomainError('UNKNOWN_FIELD', `Unknown field(s): ${unknown.map((f) => f.field).join(', ')}`, {
          fields: unknown.map((f) => f.field),
        });
      }
      return new DomainError('VALIDATION_FAILED', fields.map((f) => `${f.field}: ${Object.values(f.constraints).join('; ')}`).join(' | '), {
        fields: Object.fromEntries(fields.map((f) => [f.field, Object.values(f.constraints)])),
      });
    },
  });
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; constraints: Record<string, string> }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, constraints: e.constraints }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
