import type { Database } from '../../src/infrastructure/sqlite/database';
import { eventHash, GENESIS_HASH } from '../../src/infrastructure/event-store/event-hash';
import { EventRow, hashOfRow } from '../../src/infrastructure/event-store/event-row';

type Row = EventRow & { hash: string };

/**
 * Recomputes every hash from `fromPosition` on, as an attacker who rewrote the log would: the plain
 * chain check then passes again, and only an anchor kept elsewhere shows the rewrite.
 */
export function rechain(db: Database, fromPosition = 1): void {
  const rows = db.prepare('SELECT * FROM events ORDER BY global_position').all() as Row[];
  let previous = GENESIS_HASH;
  const update = db.prepare('UPDATE events SET hash = ? WHERE global_position = ?');
  db.transaction(() => {
    for (const row of rows) {
      const hash = row.global_position < fromPosition ? row.hash : hashOfRow(previous, row);
      if (row.global_position >= fromPosition) update.run(hash, row.global_position);
      previous = hash;
    }
  })();
}

/** Appends `count` well-chained filler events straight into the table (a large log, fast). */
export function appendFiller(db: Database, count: number): void {
  const head = db.prepare('SELECT global_position AS position, hash FROM events ORDER BY global_position DESC LIMIT 1').get() as { position: number; hash: string } | undefined;
  let previous = head?.hash ?? GENESIS_HASH;
  let position = head?.position ?? 0;
  const insert = db.prepare(`INSERT INTO events (global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, hash)
    VALUES (?, ?, ?, ?, 'UserLoggedOut', 1, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 1; i <= count; i++) {
      position++;
      const fields = {
        globalPosition: position,
        eventId: `filler${position}`,
        streamId: `user-filler${Math.ceil(i / 1000)}`,
        streamVersion: ((i - 1) % 1000) + 1,
        type: 'UserLoggedOut',
        schemaVersion: 1,
        data: JSON.stringify({ sessionId: `s${i}`, userId: `filler${Math.ceil(i / 1000)}` }),
        metadata: JSON.stringify({ actor: 'system', causationId: 'c', commandId: `filler-${position}`, correlationId: 'c' }),
        recordedAt: new Date(1_700_000_000_000 + i).toISOString(),
      };
      previous = eventHash(previous, fields);
      insert.run(position, fields.eventId, fields.streamId, fields.streamVersion, fields.data, fields.metadata, fields.recordedAt, previous);
    }
  })();
}
