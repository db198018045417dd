import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/common/domain-error';
import { userDecider } from '../../../domain/user/user.decider';
import { userStreamId } from '../../../domain/user/user.events';
import { DecideAndAppend } from '../../common/decide-and-append';
import { Clock, IdGenerator } from '../../ports/clock.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';
import { AuthStore, PasswordHasher, SecretTokens } from '../auth.ports';
import { LoginThrottle } from '../login-throttle';
import { PasswordCheckGate } from '../password-check-gate';
import { LoginCommand } from './login.command';

export interface LoginResult {
  readonly userId: string;
  readonly sessionId: string;
  /** The cookie value; only its sha256 is stored. */
  readonly sessionSecret: string;
  readonly csrfToken: string;
}

@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand, LoginResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    private readonly store: AuthStore,
    private readonly hasher: PasswordHasher,
    private readonly tokens: SecretTokens,
    private readonly throttle: LoginThrottle,
    private readonly gate: PasswordCheckGate,
  ) {}

  async execute({ email: rawEmail, password, ip, meta }: LoginCommand): Promise<LoginResult> {
    const email = typeof rawEmail === 'string' ? rawEmail.trim().toLowerCase().slice(0, 254) : '';
    const fields: Record<string, string[]> = {};
    if (!email) fields.email = ['is required'];
    if (typeof password !== 'string' || password.length === 0) fields.password = ['is required'];
    if (Object.keys(fields).length > 0) throw new DomainError('VALIDATION_FAILED', 'email and password are required', { fields });

    // Reserve the attempt before any hashing: a throttled attempt is answered at once and costs no scrypt.
    const reservation = this.throttle.reserve(ip, email);
    if (!reservation.ok) {
      const known = reservation.firstOfWait ? this.store.credentialsByEmail(email) : undefined;
      if (known) {
        this.decideAndAppend.run(
          userStreamId(known.userId),
          userDecider,
          { type: 'RecordLoginThrottled', ip, limit: reservation.limit, retryAfterSeconds: reservation.retryAfterSeconds },
          { ...meta, actor: 'anonymous', ifMatch: undefined },
        );
      }
      throw new DomainError('RATE_LIMITED', 'Too many failed sign-in attempts; try again later.', {
        limit: reservation.limit,
        retryAfterSeconds: reservation.retryAfterSeconds,
      });
    }
    const credentials = this.store.credentialsByEmail(email);
    // Unknown accounts still pay for one scrypt, so timing does not tell which emails exist.
    let ok: boolean;
    try {
      ok = await this.gate.run(() => this.hasher.verify(password.slice(0, 1024), credentials?.passwordHash));
    } catch (error) {
      this.throttle.fail(ip, email);
      throw error;
    }
    if (!ok || !credentials) {
      this.throttle.fail(ip, email);
      if (credentials) {
        this.decideAndAppend.run(
          userStreamId(credentials.userId),
          userDecider,
          { type: 'RecordLoginFailure', reason: 'bad-password', ip },
          { ...meta, actor: 'anonymous', ifMatch: undefined },
        );
      }
      throw new DomainError('INVALID_CREDENTIALS', 'The email address or password is wrong.', {});
    }
    this.throttle.succeed(ip, email);
    const sessionId = this.ids.newId();
    const sessionSecret = this.tokens.newSecret();
    this.uow.run(() => {
      this.store.insertSession({ id: sessionId, digest: this.tokens.digest(sessionSecret), userId: credentials.userId, atMs: this.clock.nowMs(), ip });
      this.decideAndAppend.run(
        userStreamId(credentials.userId),
        userDecider,
        { type: 'RecordLogin', sessionId, ip },
        { ...meta, actor: `user:${credentials.userId}`, ifMatch: undefined },
      );
    });
    return { userId: credentials.userId, sessionId, sessionSecret, csrfToken: this.tokens.csrfFor(sessionSecret) };
  }
}
