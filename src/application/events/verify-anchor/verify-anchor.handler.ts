import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/common/domain-error';
import { ANCHOR_FORMAT, AnchorSigner, SignedAnchor } from '../../ports/chain-anchor.port';
import { EventStore, VerifyResult } from '../../ports/event-store.port';
import { VerifyAnchorQuery } from './verify-anchor.query';

export interface AnchorVerifyResult extends VerifyResult {
  readonly anchor: { readonly position: number; readonly hash: string; readonly anchoredAt: string };
  /** Why the log does not extend the anchor (a cut tail, a rewritten log), when the chain itself is intact. */
  readonly anchorBroken?: string;
}

/**
 * The log extends an anchor when (1) the anchor's signature is this installation's, (2) the event at
 * the anchored position still exists (else the tail was cut) and has the anchored hash (else the log
 * was rewritten and its chain recomputed), and (3) the whole chain verifies.
 */
@QueryHandler(VerifyAnchorQuery)
export class VerifyAnchorHandler implements IQueryHandler<VerifyAnchorQuery, AnchorVerifyResult> {
  constructor(
    private readonly store: EventStore,
    private readonly signer: AnchorSigner,
  ) {}

  async execute({ anchor: raw }: VerifyAnchorQuery): Promise<AnchorVerifyResult> {
    const anchor = parseAnchor(raw);
    if (!this.signer.verify(anchor)) {
      throw new DomainError('ANCHOR_INVALID', 'The anchor was not signed by this installation’s anchor key (or was altered).', { keyFingerprint: anchor.keyFingerprint });
    }
    const summary = { position: anchor.position, hash: anchor.hash, anchoredAt: anchor.anchoredAt };
    const chain = await this.store.verify();
    const stored = this.store.hashAt(anchor.position);
    const head = this.store.head();
    const anchorBroken =
      stored === null
        ? `the log ends at position ${head?.position ?? 0}, before the anchored position ${anchor.position}: events were cut off`
        : stored !== anchor.hash
          ? `the event at position ${anchor.position} has another hash than the anchor: the log was rewritten`
          : undefined;
    return { ...chain, ok: chain.ok && anchorBroken === undefined, anchor: summary, ...(anchorBroken ? { anchorBroken } : {}) };
  }
}

function parseAnchor(raw: unknown): SignedAnchor {
  const a = raw as Record<string, unknown> | null;
  const ok =
    a !== null &&
    typeof a === 'object' &&
    a.format === ANCHOR_FORMAT &&
    Number.isInteger(a.position) &&
    (a.position as number) > 0 &&
    typeof a.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(a.hash) &&
    typeof a.recordedAt === 'string' &&
    typeof a.anchoredAt === 'string' &&
    typeof a.keyFingerprint === 'string' &&
    typeof a.signature === 'string';
  if (!ok) throw new DomainError('VALIDATION_FAILED', `Not a ${ANCHOR_FORMAT} anchor.`, { field: 'anchor' });
  return a as unknown as SignedAnchor;
}
