import { DomainEvent } from '../common/domain-event';
import { NodeStatus } from './node-status';

/** Events of the `node-<id>` stream. Type strings are stable: never rename one that has shipped. */

export function nodeStreamId(nodeId: string): string {
  return `node-${nodeId}`;
}

export interface NodeError {
  readonly code: string;
  readonly message: string;
}

export interface NodeRegisteredData {
  readonly nodeId: string;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly hostKeyFingerprint: string | null;
}
export interface NodeBootstrapRequestedData {
  readonly nodeId: string;
}
export interface NodeBootstrappedData {
  readonly nodeId: string;
  /** Facts gathered by the bootstrap playbook (OS, versions, ...). */
  readonly facts: Readonly<Record<string, unknown>>;
}
export interface NodeBootstrapFailedData {
  readonly nodeId: string;
  readonly error: NodeError;
}
export interface NodeHostKeyPinnedData {
  readonly nodeId: string;
  readonly fingerprint: string;
  readonly previousFingerprint: string | null;
}
export interface NodeStatusChangedData {
  readonly nodeId: string;
  readonly from: NodeStatus;
  readonly to: NodeStatus;
  readonly reason: string;
}
/** The node presented another host key than the pinned one: flagged (status failed) until an operator re-pins. */
export interface NodeHostKeyMismatchDetectedData {
  readonly nodeId: string;
  readonly pinnedFingerprint: string | null;
  readonly presentedFingerprint: string | null;
  /** The status before the flag; a re-pin returns the node to it. */
  readonly previousStatus: NodeStatus;
}
/**
 * From now on the control plane logs in as `to` (the management user bootstrap created and the control
 * plane verified by logging in as it); `from` was the user it connected as before (root by default).
 */
export interface NodeManagementUserSwitchedData {
  readonly nodeId: string;
  readonly from: string;
  readonly to: string;
}
export interface NodeDecommissionedData {
  readonly nodeId: string;
}

/** Why a repository check was asked for: just set (it is opened, or initialized when empty), the scheduler, an operator. */
export type BackupRepositoryCheckReason = 'set' | 'scheduled' | 'operator';

/** A restic repository for the node's backups (its password and sftp key are sealed apart, never here). */
export interface NodeBackupRepositorySetData {
  readonly nodeId: string;
  /** New for every set: checks and snapshots name the repository they were made in. */
  readonly repositoryId: string;
  /** An absolute path on the node, or sftp:user@host:/path (no secret: the key is apart). */
  readonly url: string;
  readonly kind: 'local' | 'sftp';
  /** Whether an sftp private key was given (it is sealed with the password). */
  readonly sftpKey: boolean;
}
export interface NodeBackupRepositoryRemovedData {
  readonly nodeId: string;
  readonly repositoryId: string;
}
export interface BackupRepositoryCheckRequestedData {
  readonly nodeId: string;
  readonly repositoryId: string;
  readonly reason: BackupRepositoryCheckReason;
}
/** `restic check` passed (the repository was initialized first when it was empty). */
export interface BackupRepositoryCheckedData {
  readonly nodeId: string;
  readonly repositoryId: string;
  readonly url: string;
}
export interface BackupRepositoryCheckFailedData {
  readonly nodeId: string;
  readonly repositoryId: string;
  readonly url: string;
  readonly error: NodeError;
}

export type NodeRegistered = DomainEvent<'NodeRegistered', NodeRegisteredData>;
export type NodeBootstrapRequested = DomainEvent<'NodeBootstrapRequested', NodeBootstrapRequestedData>;
export type NodeBootstrapped = DomainEvent<'NodeBootstrapped', NodeBootstrappedData>;
export type NodeBootstrapFailed = DomainEvent<'NodeBootstrapFailed', NodeBootstrapFailedData>;
export type NodeHostKeyPinned = DomainEvent<'NodeHostKeyPinned', NodeHostKeyPinnedData>;
export type NodeStatusChanged = DomainEvent<'NodeStatusChanged', NodeStatusChangedData>;
export type NodeHostKeyMismatchDetected = DomainEvent<'NodeHostKeyMismatchDetected', NodeHostKeyMismatchDetectedData>;
export type NodeManagementUserSwitched = DomainEvent<'NodeManagementUserSwitched', NodeManagementUserSwitchedData>;
export type NodeDecommissioned = DomainEvent<'NodeDecommissioned', NodeDecommissionedData>;
export type NodeBackupRepositorySet = DomainEvent<'NodeBackupRepositorySet', NodeBackupRepositorySetData>;
export type NodeBackupRepositoryRemoved = DomainEvent<'NodeBackupRepositoryRemoved', NodeBackupRepositoryRemovedData>;
export type BackupRepositoryCheckRequested = DomainEvent<'BackupRepositoryCheckRequested', BackupRepositoryCheckRequestedData>;
export type BackupRepositoryChecked = DomainEvent<'BackupRepositoryChecked', BackupRepositoryCheckedData>;
export type BackupRepositoryCheckFailed = DomainEvent<'BackupRepositoryCheckFailed', BackupRepositoryCheckFailedData>;

export type NodeEvent =
  | NodeRegistered
  | NodeBootstrapRequested
  | NodeBootstrapped
  | NodeBootstrapFailed
  | NodeHostKeyPinned
  | NodeStatusChanged
  | NodeHostKeyMismatchDetected
  | NodeManagementUserSwitched
  | NodeDecommissioned
  | NodeBackupRepositorySet
  | NodeBackupRepositoryRemoved
  | BackupRepositoryCheckRequested
  | BackupRepositoryChecked
  | BackupRepositoryCheckFailed;

export type NodeEventType = NodeEvent['type'];

export const NODE_EVENT_TYPES = [
  'NodeRegistered',
  'NodeBootstrapRequested',
  'NodeBootstrapped',
  'NodeBootstrapFailed',
  'NodeHostKeyPinned',
  'NodeStatusChanged',
  'NodeHostKeyMismatchDetected',
  'NodeManagementUserSwitched',
  'NodeDecommissioned',
  'NodeBackupRepositorySet',
  'NodeBackupRepositoryRemoved',
  'BackupRepositoryCheckRequested',
  'BackupRepositoryChecked',
  'BackupRepositoryCheckFailed',
] as const satisfies readonly NodeEventType[];
