import type { CommandMeta } from '../../common/command-meta';

export class CreateApiTokenCommand {
  constructor(
    readonly name: string,
    readonly scope: 'read' | 'write',
    readonly meta: CommandMeta,
    /** Days until the token is refused; undefined = it does not expire. */
    readonly expiresInDays?: number,
  ) {}
}
