/**
 * Chain anchors: a signed statement of the log's head (position, hash, time). The hash chain alone
 * shows an edit, but not a log cut off after some event, nor one recomputed from scratch; an anchor
 * kept outside the database proves what the log contained when it was signed. The signing key lives
 * apart from the database (its own 0600 file), so whoever can rewrite the database cannot sign.
 */
export const ANCHOR_FORMAT = 'pressluft-chain-anchor-v1';

export interface AnchorStatement {
  readonly format: typeof ANCHOR_FORMAT;
  readonly position: number;
  readonly hash: string;
  /** recordedAt of the event at `position`. */
  readonly recordedAt: string;
  /** When the statement was signed. */
  readonly anchoredAt: string;
}

export interface SignedAnchor extends AnchorStatement {
  /** sha256 of the signing key's public key (SPKI DER), base64url: which key signed it. */
  readonly keyFingerprint: string;
  /** ed25519 signature over the canonical JSON of the statement fields, base64url. */
  readonly signature: string;
}

export abstract class AnchorSigner {
  /** Signs with the anchor key (created on first use). */
  abstract sign(statement: AnchorStatement): SignedAnchor;
  /** True when the signature was made by this installation's anchor key over exactly these fields. */
  abstract verify(anchor: SignedAnchor): boolean;
}

/** Where anchors are kept besides the process log (e.g. next to the off-site backups); returns the files written. */
export abstract class AnchorArchive {
  abstract store(anchor: SignedAnchor): string[];
}
