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

export type NodeRegistered = DomainEvent<'NodeRegistered', NodeRegisteredData>;
export type NodeBootstrapRequested = DomainEvent<'NodeBootstrapRequested', NodeBootstrapRequestedData>;
export type NodeBootstrapped = DomainEvent<'NodeBootstrapped', NodeBootstrappedData>;
export type NodeBootstrapFailed = DomainEvent<'NodeBootstrapFailed', NodeBootstrapFailedData>;
export type NodeHostKeyPinned = DomainEvent<'NodeHostKeyPinned', NodeHostKeyPinnedData>;
export type NodeStatusChanged = DomainEvent<'NodeStatusChanged', NodeStatusChangedData>;
export type NodeHostKeyMismatchDetected = DomainEvent<'NodeHostKeyMismatchDetected', NodeHostKeyMismatchDetectedData>;
export type NodeManagementUserSwitched = DomainEvent<'NodeManagementUserSwitched', NodeManagementUserSwitchedData>;
export type NodeDecommissioned = DomainEvent<'NodeDecommissioned', NodeDecommissionedData>;

export type NodeEvent =
  | NodeRegistered
  | NodeBootstrapRequested
  | NodeBootstrapped
  | NodeBootstrapFailed
  | NodeHostKeyPinned
  | NodeStatusChanged
  | NodeHostKeyMismatchDetected
  | NodeManagementUserSwitched
  | NodeDecommissioned;

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
] as const satisfies readonly NodeEventType[];
