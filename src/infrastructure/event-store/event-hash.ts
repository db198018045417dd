import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The hash the first event chains to. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  globalPosition: number;
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  /** Stored JSON text of data and metadata (hashing the stored text means verify needs no re-serialisation). */
  data: string;
  metadata: string;
  recordedAt: string;
}

/** hash = sha256(previous hash ‖ canonical event). */
export function eventHash(previousHash: string, event: HashedFields): string {
  return createHash('sha256').update(previousHash).update('\n').update(canonicalJson(event)).digest('hex');
}
