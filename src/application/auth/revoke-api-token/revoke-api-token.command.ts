import type { CommandMeta } from '../../common/command-meta';

export class RevokeApiTokenCommand {
  constructor(
    readonly tokenId: string,
    readonly meta: CommandMeta,
  ) {}
}
