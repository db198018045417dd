import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AnchorArchive, SignedAnchor } from '../../application/ports/chain-anchor.port';
import { writeFileAtomic } from '../secrets/secret-box';

/** Writes each anchor as `anchor-<position>-<time>.json` (0600) into PRESSLUFT_ANCHOR_OFFSITE_DIR when it is set. */
export class FileAnchorArchive extends AnchorArchive {
  constructor(private readonly dir: string | null) {
    super();
  }

  store(anchor: SignedAnchor): string[] {
    if (!this.dir) return [];
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `anchor-${anchor.position}-${anchor.anchoredAt.replace(/[:.]/g, '-')}.json`);
    writeFileAtomic(file, JSON.stringify(anchor, null, 2) + '\n', 0o600);
    return [file];
  }
}
