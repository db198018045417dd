import type { CommandMeta } from '../../common/command-meta';

/** Ends the session whose cookie secret this is (revokes it for good). */
export class LogoutCommand {
  constructor(
    readonly sessionSecret: string,
    readonly meta: CommandMeta,
  ) {}
}
