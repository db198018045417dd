import type { CommandMeta } from '../../common/command-meta';

export interface RegisterNodeInput {
  readonly name: string;
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  readonly hostKeyFingerprint?: string;
}

export class RegisterNodeCommand {
  constructor(
    readonly input: RegisterNodeInput,
    readonly meta: CommandMeta,
  ) {}
}
