import type { CommandMeta } from '../../common/command-meta';

/** Creates an admin (first run: `pressluft admin create --email E`, password on stdin). */
export class CreateUserCommand {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly meta: CommandMeta,
  ) {}
}
