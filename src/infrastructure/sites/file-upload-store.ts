import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock, IdGenerator } from '../../application/ports/clock.port';
import { StoredUpload, UploadStore } from '../../application/ports/upload-store.port';
import { DomainError } from '../../domain/common/domain-error';
import type { Database } from '../sqlite/database';

type UploadRow = { id: string; sha256: string; size: number; path: string; created_at: string };

/**
 * Uploads stream to `<dataDir>/uploads/<id>.tar.gz` (0600) while their sha256 is computed; a body over
 * the limit or one that is not gzip is deleted and refused. The row is written only for a complete file.
 */
export class FileUploadStore extends UploadStore {
  private readonly dir: string;

  constructor(
    private readonly db: Database,
    dataDir: string,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    super();
    this.dir = join(dataDir, 'uploads');
  }

  async save(body: Readable, maxBytes: number, actor: string): Promise<StoredUpload> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const id = this.ids.newId();
    const path = join(this.dir, `${id}.tar.gz`);
    const partial = `${path}.partial`;
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new DomainError('PAYLOAD_TOO_LARGE', `upload exceeds ${maxBytes} bytes`, { limit: maxBytes }));
        if (head.length < 2) head = Buffer.concat([head, chunk.subarray(0, 2)]);
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(partial, { mode: 0o600 }));
      if (size === 0 || head[0] !== 0x1f || head[1] !== 0x8b) {
        throw new DomainError('VALIDATION_FAILED', 'the upload is not a gzip file (send a .tar.gz with Content-Type: application/gzip)', { field: 'body' });
      }
      renameSync(partial, path);
    } catch (err) {
      rmSync(partial, { force: true });
      throw err;
    }
    const upload: StoredUpload = { id, sha256: hash.digest('hex'), size, path, createdAt: this.clock.nowIso() };
    this.db
      .prepare('INSERT INTO uploads (id, sha256, size, path, actor, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(upload.id, upload.sha256, upload.size, upload.path, actor, upload.createdAt);
    return upload;
  }

  get(id: string): StoredUpload | undefined {
    const row = this.db.prepare('SELECT id, sha256, size, path, created_at FROM uploads WHERE id = ?').get(id) as UploadRow | undefined;
    return row && { id: row.id, sha256: row.sha256, size: row.size, path: row.path, createdAt: row.created_at };
  }
}
