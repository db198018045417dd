import type { Readable } from 'node:stream';

/** Stream a deploy archive (.tar.gz) into the data directory; answered with its id, sha256 and size. */
export class SaveUploadCommand {
  constructor(
    readonly body: Readable,
    /** The Content-Length the client announced (refused at once when over the limit). */
    readonly declaredSize: number | null,
    readonly actor: string,
  ) {}
}
