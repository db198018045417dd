import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/common/domain-error';
import { parseEmail } from '../../../domain/common/value-objects';
import { userDecider } from '../../../domain/user/user.decider';
import { userStreamId } from '../../../domain/user/user.events';
import { DecideAndAppend } from '../../common/decide-and-append';
import { Clock, IdGenerator } from '../../ports/clock.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';
import { AuthStore, PasswordHasher } from '../auth.ports';
import { CreateUserCommand } from './create-user.command';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

export interface CreateUserResult {
  readonly userId: string;
  readonly email: string;
}

/** Checks a password's length; the message names the rule, never the password. */
export function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new DomainError('VALIDATION_FAILED', `password must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters`, {
      fields: { password: [`must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters`] },
    });
  }
  return password;
}

export function normalizeEmail(email: unknown): string {
  try {
    return parseEmail(typeof email === 'string' ? email.trim().toLowerCase() : email);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'email must be an address such as admin@example.com', {
      fields: { email: ['must be an address such as admin@example.com'] },
    });
  }
}

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand, CreateUserResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly sql: SqlReader,
    private readonly uow: UnitOfWork,
    private readonly store: AuthStore,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute({ email: rawEmail, password, meta }: CreateUserCommand): Promise<CreateUserResult> {
    const email = normalizeEmail(rawEmail);
    const hash = await this.hasher.hash(checkPassword(password));
    const userId = this.ids.newId();
    return this.uow.run(() => {
      if (this.sql.get('SELECT 1 FROM rm_users WHERE email = ?', [email])) {
        throw new DomainError('DUPLICATE', `a user with email ${email} already exists`, { field: 'email' });
      }
      this.decideAndAppend.run(userStreamId(userId), userDecider, { type: 'CreateUser', userId, email, role: 'admin' }, { ...meta, ifMatch: undefined });
      this.store.setPasswordHash(userId, hash, this.clock.nowMs());
      return { userId, email };
    });
  }
}
