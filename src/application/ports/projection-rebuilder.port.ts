export interface RebuildReport {
  readonly events: number;
  readonly rows: Record<string, number>;
}

/** Replays the whole log into empty read-model tables. */
export abstract class ProjectionRebuilder {
  abstract rebuild(): RebuildReport;
}
