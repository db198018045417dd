import { BackupRepositoryCheckReason, NodeError } from './node.events';

/** Commands of the Node aggregate. Each carries `nodeId` so a handler knows which stream to load. */

export interface RegisterNode {
  readonly type: 'RegisterNode';
  readonly nodeId: string;
  readonly name: string;
  readonly host: string;
  /** Defaults to 22. */
  readonly port?: number | string;
  /** Defaults to 'root'. */
  readonly user?: string;
  /** Pinned at registration when the operator knows it; otherwise trust-on-first-use pins it later. */
  readonly hostKeyFingerprint?: string | null;
}
export interface RequestNodeBootstrap {
  readonly type: 'RequestNodeBootstrap';
  readonly nodeId: string;
}
export interface CompleteNodeBootstrap {
  readonly type: 'CompleteNodeBootstrap';
  readonly nodeId: string;
  readonly facts: Readonly<Record<string, unknown>>;
  /**
   * The management user the bootstrap set up and the control plane verified (logged in as it, sudo -n
   * worked). When it differs from the node's current SSH user, every later job connects as it.
   */
  readonly managementUser?: string | null;
}
export interface FailNodeBootstrap {
  readonly type: 'FailNodeBootstrap';
  readonly nodeId: string;
  readonly error: NodeError;
}
export interface PinNodeHostKey {
  readonly type: 'PinNodeHostKey';
  readonly nodeId: string;
  readonly fingerprint: string;
}
export interface RecordNodeHealth {
  readonly type: 'RecordNodeHealth';
  readonly nodeId: string;
  readonly reachable: boolean;
  readonly reason: string;
}
/** A connection saw a host key other than the pinned one (the job was refused before anything ran). */
export interface RecordHostKeyMismatch {
  readonly type: 'RecordHostKeyMismatch';
  readonly nodeId: string;
  /** `SHA256:…` the node presented, when known. */
  readonly presentedFingerprint: string | null;
}
export interface DecommissionNode {
  readonly type: 'DecommissionNode';
  readonly nodeId: string;
}

/** Set (or replace) the node's restic repository. The secrets are only validated by the decider, never recorded. */
export interface SetBackupRepository {
  readonly type: 'SetBackupRepository';
  readonly nodeId: string;
  /** Made by the handler, which seals the secrets under it in the same transaction. */
  readonly repositoryId: string;
  readonly url: unknown;
  readonly password: unknown;
  readonly sftpKey?: unknown;
}
export interface RemoveBackupRepository {
  readonly type: 'RemoveBackupRepository';
  readonly nodeId: string;
}
export interface RequestBackupRepositoryCheck {
  readonly type: 'RequestBackupRepositoryCheck';
  readonly nodeId: string;
  readonly reason: BackupRepositoryCheckReason;
}
/** The outcome of a node.backup-repository-check job. */
export interface RecordBackupRepositoryCheck {
  readonly type: 'RecordBackupRepositoryCheck';
  readonly nodeId: string;
  readonly repositoryId: string;
  readonly ok: boolean;
  readonly error?: NodeError;
}

export type NodeCommand =
  | RegisterNode
  | RequestNodeBootstrap
  | CompleteNodeBootstrap
  | FailNodeBootstrap
  | PinNodeHostKey
  | RecordNodeHealth
  | RecordHostKeyMismatch
  | DecommissionNode
  | SetBackupRepository
  | RemoveBackupRepository
  | RequestBackupRepositoryCheck
  | RecordBackupRepositoryCheck;

export type NodeCommandType = NodeCommand['type'];
