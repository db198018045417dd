import type { CommandMeta } from '../../common/command-meta';

export interface RequestPromotionInput {
  readonly target: string;
  readonly preset: string;
  readonly force?: boolean;
  /** Only the drift report: nothing is changed (the snapshot taken is recorded as DriftSnapshotTaken). */
  readonly dryRun?: boolean;
  readonly extraContentTables?: readonly string[];
}

/** Promote `environment` (a clone) onto `input.target`, the environment it was cloned from (docs/promotion.md). */
export class RequestPromotionCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly input: RequestPromotionInput,
    readonly meta: CommandMeta,
  ) {}
}
