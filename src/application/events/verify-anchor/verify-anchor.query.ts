/** Proves the log still extends a signed anchor (the parsed JSON of an anchor file). */
export class VerifyAnchorQuery {
  constructor(readonly anchor: unknown) {}
}
