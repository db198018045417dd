import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/common/domain-error';
import { ANCHOR_FORMAT, AnchorArchive, AnchorSigner, SignedAnchor } from '../../ports/chain-anchor.port';
import { Clock } from '../../ports/clock.port';
import { EventStore } from '../../ports/event-store.port';
import { CreateAnchorCommand } from './create-anchor.command';

export interface CreateAnchorResult {
  readonly anchor: SignedAnchor;
  /** Files the anchor was written to (none unless an archive directory is configured). */
  readonly files: readonly string[];
}

/** Never signs a broken chain: that would bless a tampered log. */
@CommandHandler(CreateAnchorCommand)
export class CreateAnchorHandler implements ICommandHandler<CreateAnchorCommand, CreateAnchorResult> {
  constructor(
    private readonly store: EventStore,
    private readonly signer: AnchorSigner,
    private readonly archive: AnchorArchive,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<CreateAnchorResult> {
    const head = this.store.head();
    if (!head) throw new DomainError('RULE_VIOLATION', 'The event log is empty: there is nothing to anchor yet.', { rule: 'anchor-needs-events' });
    const verified = await this.store.verify();
    if (!verified.ok) {
      throw new DomainError('CHAIN_BROKEN', `The hash chain is broken at position ${verified.firstBroken?.globalPosition}: not anchoring it.`, { firstBroken: verified.firstBroken });
    }
    // The head read before verifying is covered by the verified chain (the log only grows).
    const anchor = this.signer.sign({ format: ANCHOR_FORMAT, position: head.position, hash: head.hash, recordedAt: head.recordedAt, anchoredAt: this.clock.nowIso() });
    return { anchor, files: this.archive.store(anchor) };
  }
}
