import { randomBytes } from 'node:crypto';
import { IdGenerator } from '../../application/ports/clock.port';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case: safe in paths, URLs and shells

/**
 * ULID-style ids: 10 characters of millisecond time + 16 of randomness, so ids sort by creation time.
 * Monotonic within one millisecond (the random part is incremented), so ids from one process never go backwards.
 */
export class SortableIdGenerator extends IdGenerator {
  private lastMs = -1;
  private lastRandom: number[] = [];

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  newId(): string {
    const ms = this.now();
    if (ms === this.lastMs) this.increment();
    else {
      this.lastMs = ms;
      this.lastRandom = [...randomBytes(16)].map((b) => b & 31);
    }
    return encodeTime(ms) + this.lastRandom.map((d) => ALPHABET[d]).join('');
  }

  private increment(): void {
    for (let i = this.lastRandom.length - 1; i >= 0; i--) {
      if (this.lastRandom[i] < 31) {
        this.lastRandom[i]++;
        return;
      }
      this.lastRandom[i] = 0;
    }
  }
}

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}
