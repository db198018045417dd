import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowProjection } from '../../src/application/projections/row-projection';
import { ALL_PROJECTIONS } from '../../src/application/projections/all-projections';
import { ALL_REACTORS } from '../../src/application/reactors/all-reactors';
import type { Reactor } from '../../src/application/reactors/reactor';
import { InlineProjections } from '../../src/infrastructure/event-store/inline-projections';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { SqliteJobQueue } from '../../src/infrastructure/job-queue/sqlite-job-queue';
import { Database, openDatabase, SynchronousMode } from '../../src/infrastructure/sqlite/database';
import { SortableIdGenerator } from '../../src/infrastructure/system/sortable-id-generator';
import { SystemClock } from '../../src/infrastructure/system/system-clock';

export interface TestStore {
  db: Database;
  file: string;
  store: SqliteEventStore;
  queue: SqliteJobQueue;
  cleanup(): void;
}

/** The real event store on a real SQLite file in a temp dir, wired as in production unless told otherwise. */
export function createTestStore(
  options: { projections?: readonly RowProjection[]; reactors?: readonly Reactor[]; synchronous?: SynchronousMode } = {},
): TestStore {
  const dir = mkdtempSync(join(tmpdir(), 'pressluft-store-'));
  const file = join(dir, 'pressluft.db');
  const db = openDatabase({ file, synchronous: options.synchronous });
  const clock = new SystemClock();
  const queue = new SqliteJobQueue(db, clock);
  const store = new SqliteEventStore(
    db,
    clock,
    new SortableIdGenerator(),
    new InlineProjections(db, options.projections ?? ALL_PROJECTIONS),
    options.reactors ?? ALL_REACTORS,
    queue,
  );
  return {
    db,
    file,
    store,
    queue,
    cleanup: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let n = 0;
/** Metadata with a fresh command id. */
export function meta(overrides: Partial<{ actor: string; correlationId: string; causationId: string; commandId: string }> = {}) {
  const id = `cmd-${++n}-${Date.now()}`;
  return { actor: 'user:test', correlationId: `corr-${id}`, causationId: id, commandId: id, ...overrides };
}
