import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFound } from '../../../domain/common/domain-error';
import { apiTokenDecider } from '../../../domain/user/user.decider';
import { apiTokenStreamId } from '../../../domain/user/user.events';
import { DecideAndAppend } from '../../common/decide-and-append';
import { SqlReader } from '../../ports/sql-reader.port';
import { ApiTokenRow, ApiTokenView, toApiTokenView } from '../auth.views';
import { refuseTokenActor } from '../create-api-token/create-api-token.handler';
import { RevokeApiTokenCommand } from './revoke-api-token.command';

/** Revokes a token for good; revoking a revoked token changes nothing. */
@CommandHandler(RevokeApiTokenCommand)
export class RevokeApiTokenHandler implements ICommandHandler<RevokeApiTokenCommand, ApiTokenView> {
  constructor(
    private readonly decideAndAppend: DecideAndAppend,
    private readonly sql: SqlReader,
  ) {}

  async execute({ tokenId, meta }: RevokeApiTokenCommand): Promise<ApiTokenView> {
    refuseTokenActor(meta.actor);
    if (!this.sql.get('SELECT 1 FROM rm_api_tokens WHERE id = ?', [tokenId])) throw new NotFound('token', tokenId);
    this.decideAndAppend.run(apiTokenStreamId(tokenId), apiTokenDecider, { type: 'RevokeApiToken', tokenId }, meta);
    return toApiTokenView(this.sql.get<ApiTokenRow>('SELECT * FROM rm_api_tokens WHERE id = ?', [tokenId]) as ApiTokenRow);
  }
}
