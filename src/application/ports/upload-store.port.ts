import type { Readable } from 'node:stream';

export interface StoredUpload {
  readonly id: string;
  readonly sha256: string;
  readonly size: number;
  /** Absolute path of the file in the data directory. */
  readonly path: string;
  readonly createdAt: string;
}

/** Deploy archives uploaded through POST /api/v1/uploads, streamed to the data directory. */
export abstract class UploadStore {
  /** Streams `body` to disk; PAYLOAD_TOO_LARGE (nothing kept) beyond `maxBytes`, VALIDATION_FAILED when it is not gzip. */
  abstract save(body: Readable, maxBytes: number, actor: string): Promise<StoredUpload>;
  abstract get(id: string): StoredUpload | undefined;
}
