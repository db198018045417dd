import { ErrorCode } from './error-codes';

/**
 * Base of every typed error the domain raises. `code` comes from the error-code registry;
 * `rule` names the business rule that refused the command (e.g. `site-cannot-deploy-unless-active`).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly rule?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A named business rule refused the command. */
export class RuleViolation extends DomainError {
  constructor(rule: string, code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { rule, ...details }, rule);
  }
}

/** Input that can never be valid (bad slug, bad host, ...). */
export class InvalidValue extends DomainError {
  constructor(field: string, message: string, details: Record<string, unknown> = {}) {
    super('VALIDATION_FAILED', message, { field, ...details });
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} does not exist`, { what, id });
  }
}

/** Optimistic concurrency: the stream moved on since it was read. */
export class VersionConflict extends DomainError {
  constructor(streamId: string, expectedVersion: number, actualVersion: number) {
    super('VERSION_CONFLICT', `stream ${streamId} is at version ${actualVersion}, expected ${expectedVersion}`, {
      streamId,
      expectedVersion,
      actualVersion,
    });
  }
}
