import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/common/domain-error';
import { apiTokenDecider } from '../../../domain/user/user.decider';
import { apiTokenStreamId } from '../../../domain/user/user.events';
import { DecideAndAppend } from '../../common/decide-and-append';
import { Clock, IdGenerator } from '../../ports/clock.port';
import { CommandLog } from '../../ports/event-store.port';
import { SqlReader } from '../../ports/sql-reader.port';
import { UnitOfWork } from '../../ports/unit-of-work.port';
import { AuthStore, SecretTokens } from '../auth.ports';
import { ApiTokenRow, ApiTokenView, toApiTokenView } from '../auth.views';
import { formatApiToken } from '../principal';
import { CreateApiTokenCommand } from './create-api-token.command';

export interface CreateApiTokenResult {
  readonly token: ApiTokenView;
  /** The full bearer token, shown once; null when the command id was a repeat (the secret is not kept). */
  readonly secret: string | null;
  readonly duplicate: boolean;
}

export const MAX_TOKEN_DAYS = 3650;

/**
 * Tokens are managed by a signed-in user or the local CLI only: a token that could mint tokens would
 * outlive its own revocation. (The HTTP routes refuse tokens too; this keeps every other way in shut.)
 */
export function refuseTokenActor(actor: string): void {
  if (actor.startsWith('token:')) {
    throw new DomainError('FORBIDDEN', 'API tokens are managed by a signed-in user or the local CLI, not by an API token.', {});
  }
}

@CommandHandler(CreateApiTokenCommand)
export class CreateApiTokenHandler implements ICommandHandler<CreateApiTokenCommand, CreateApiTokenResult> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly commands: CommandLog,
    private readonly ids: IdGenerator,
    private readonly sql: SqlReader,
    private readonly uow: UnitOfWork,
    private readonly store: AuthStore,
    private readonly tokens: SecretTokens,
    private readonly clock: Clock,
  ) {}

  async execute({ name, scope, meta, expiresInDays }: CreateApiTokenCommand): Promise<CreateApiTokenResult> {
    refuseTokenActor(meta.actor);
    if (expiresInDays !== undefined && !(Number.isInteger(expiresInDays) && expiresInDays >= 1 && expiresInDays <= MAX_TOKEN_DAYS)) {
      throw new DomainError('VALIDATION_FAILED', `expiresInDays must be 1-${MAX_TOKEN_DAYS}`, { fields: { expiresInDays: [`must be 1-${MAX_TOKEN_DAYS}`] } });
    }
    const expiresAt = expiresInDays === undefined ? undefined : new Date(this.clock.nowMs() + expiresInDays * 86_400_000).toISOString();
    return this.uow.run(() => {
      const previous = this.commands.previousResult(meta.commandId, meta.requestHash);
      if (previous) return { token: this.view(previous.streamId.slice('apitoken-'.length)), secret: null, duplicate: true };
      const tokenId = this.ids.newId();
      const secret = this.tokens.newSecret();
      this.decideAndAppend.run(apiTokenStreamId(tokenId), apiTokenDecider, { type: 'CreateApiToken', tokenId, name, scope, ...(expiresAt ? { expiresAt } : {}) }, { ...meta, ifMatch: undefined });
      this.store.setTokenSecret(tokenId, this.tokens.digest(secret));
      return { token: this.view(tokenId), secret: formatApiToken(tokenId, secret), duplicate: false };
    });
  }

  private view(tokenId: string): ApiTokenView {
    return toApiTokenView(this.sql.get<ApiTokenRow>('SELECT * FROM rm_api_tokens WHERE id = ?', [tokenId]) as ApiTokenRow);
  }
}
