import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider } from '../../../domain/user/user.decider';
import { userStreamId } from '../../../domain/user/user.events';
import { DecideAndAppend } from '../../common/decide-and-append';
import { Clock } from '../../ports/clock.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';
import { AuthStore, SecretTokens } from '../auth.ports';
import { LogoutCommand } from './logout.command';

@CommandHandler(LogoutCommand)
export class LogoutHandler implements ICommandHandler<LogoutCommand, { loggedOut: boolean }> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    private readonly store: AuthStore,
    private readonly tokens: SecretTokens,
  ) {}

  async execute({ sessionSecret, meta }: LogoutCommand): Promise<{ loggedOut: boolean }> {
    return this.uow.run(() => {
      const session = this.store.sessionByDigest(this.tokens.digest(sessionSecret));
      if (!session || session.revokedAt !== null) return { loggedOut: false };
      this.store.revokeSession(session.id, this.clock.nowMs());
      this.decideAndAppend.run(userStreamId(session.userId), userDecider, { type: 'RecordLogout', sessionId: session.id }, { ...meta, ifMatch: undefined });
      return { loggedOut: true };
    });
  }
}
