import type { Readable } from 'node:stream';

/** How the control plane reaches one node over SSH. */
export interface NodeAddress {
  readonly nodeId: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** `SHA256:…` of the pinned host key; null only before the first pin (trust on first use at registration). */
  readonly hostKeyFingerprint: string | null;
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /**
   * Sent on the command's stdin (secrets travel this way or in 0600 files, never in argv). A stream is
   * piped with backpressure (large files are never read whole into memory); stdin is closed at its end.
   */
  readonly stdin?: string | Buffer | Readable;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
}

/**
 * Commands on nodes, built from argument arrays (each argument quoted, never pasted into a shell
 * string). Errors: NODE_UNREACHABLE (connect/auth/timeout) and HOST_KEY_MISMATCH, as DomainErrors.
 */
export abstract class RemoteShell {
  /** Connects without authenticating and returns the host key's fingerprint (for pinning). */
  abstract scanHostKey(host: string, port: number, timeoutMs?: number): Promise<string>;
  abstract exec(node: NodeAddress, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Writes a file atomically (temp file + rename) with the given mode. */
  abstract upload(node: NodeAddress, remotePath: string, content: Buffer, mode: number): Promise<void>;
}

/** The control plane's own SSH key pair (ed25519, generated on first start, private part encrypted at rest). */
export abstract class ControlPlaneKey {
  abstract publicKey(): string;
  abstract fingerprint(): string;
}
