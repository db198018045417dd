import type { CommandMeta } from '../../common/command-meta';

/** Signs in with email + password from one client IP; answers the session's cookie secret once. */
export class LoginCommand {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly ip: string,
    /** actor is ignored: a login is recorded as the user it signs in (or `anonymous` when it fails). */
    readonly meta: CommandMeta,
  ) {}
}
