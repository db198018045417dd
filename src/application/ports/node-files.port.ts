import type { JobContext } from './job-queue.port';
import type { NodeAddress } from './remote-shell.port';

/** A local file to put on a node, named by its content. */
export interface LocalFile {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

/**
 * Content-addressed uploads to nodes: a file lands at `<remote root>/uploads/<sha256>` (root-owned,
 * 0600) once, whatever how many jobs need it. Returns the absolute path on the node.
 */
export abstract class NodeFiles {
  abstract put(node: NodeAddress, file: LocalFile, ctx: JobContext): Promise<string>;
}
