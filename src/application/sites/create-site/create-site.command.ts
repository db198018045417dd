import type { CommandMeta } from '../../common/command-meta';

export interface CreateSiteInput {
  readonly name: string;
  readonly slug?: string;
  readonly nodeId: string;
  readonly domain: string;
  readonly adminEmail: string;
  readonly phpVersion?: string;
}

export class CreateSiteCommand {
  constructor(
    readonly input: CreateSiteInput,
    readonly meta: CommandMeta,
  ) {}
}
