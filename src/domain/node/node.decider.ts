import { DomainError, NotFound, RuleViolation } from '../common/domain-error';
import { Decider } from '../common/domain-event';
import { parseHost, parseHostKeyFingerprint, parseNodeName, parsePort, parseSshUser } from '../common/value-objects';
import {
  NodeBackupRepository,
  recordBackupRepositoryCheck,
  removeBackupRepository,
  requestBackupRepositoryCheck,
  setBackupRepository,
} from './node-backup-repository';
import { NodeCommand, RegisterNode } from './node.commands';
import { NodeEvent } from './node.events';
import { NodeStatus } from './node-status';

export const NODE_RULES = {
  /** Node ids are never reused (DUPLICATE). */
  idMustBeUnique: 'node-id-must-be-unique',
  /** One bootstrap at a time, and none on a decommissioned node (INVALID_STATE_TRANSITION). */
  cannotBootstrapWhileBootstrappingOrDecommissioned: 'node-cannot-bootstrap-while-bootstrapping-or-decommissioned',
  /** A decommissioned node is retired for good (INVALID_STATE_TRANSITION). */
  decommissionedNodeIsFinal: 'decommissioned-node-is-final',
} as const;

export const DEFAULT_SSH_PORT = 22;
export const DEFAULT_SSH_USER = 'root';

export interface NodeState {
  readonly exists: boolean;
  readonly id: string | null;
  readonly name: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly user: string | null;
  readonly hostKeyFingerprint: string | null;
  readonly status: NodeStatus | null;
  readonly facts: Readonly<Record<string, unknown>>;
  /** A bootstrap has completed once (an unreachable node that comes back is ready only then). */
  readonly bootstrapped: boolean;
  /** Set while a host key mismatch is flagged; a re-pin returns the node to `previousStatus`. */
  readonly hostKeyMismatch: { readonly previousStatus: NodeStatus } | null;
  /** The restic repository the node's backups are sent to (docs/backups.md), or null. */
  readonly backupRepository: NodeBackupRepository | null;
}

export const initialNodeState: NodeState = {
  exists: false,
  id: null,
  name: null,
  host: null,
  port: null,
  user: null,
  hostKeyFingerprint: null,
  status: null,
  facts: {},
  bootstrapped: false,
  hostKeyMismatch: null,
  backupRepository: null,
};

function registerNode(cmd: RegisterNode, node: NodeState): NodeEvent[] {
  if (node.exists) {
    throw new DomainError('DUPLICATE', `Node ${cmd.nodeId} already exists`, { nodeId: cmd.nodeId }, NODE_RULES.idMustBeUnique);
  }
  const data = {
    nodeId: cmd.nodeId,
    name: parseNodeName(cmd.name),
    host: parseHost(cmd.host),
    port: cmd.port === undefined ? DEFAULT_SSH_PORT : parsePort(cmd.port),
    user: cmd.user === undefined ? DEFAULT_SSH_USER : parseSshUser(cmd.user),
    hostKeyFingerprint: cmd.hostKeyFingerprint == null ? null : parseHostKeyFingerprint(cmd.hostKeyFingerprint),
  };
  // Registering a node always starts its bootstrap: there is nothing useful a pending node can do.
  return [
    { type: 'NodeRegistered', data },
    { type: 'NodeBootstrapRequested', data: { nodeId: cmd.nodeId } },
  ];
}

function refuse(rule: string, node: NodeState, action: string): RuleViolation {
  return new RuleViolation(rule, 'INVALID_STATE_TRANSITION', `Node ${node.id} is ${node.status}; cannot ${action}`, {
    nodeId: node.id,
    status: node.status,
  });
}

/*
 * Bootstrap outcomes come from an at-least-once job runner: a report while no bootstrap is running is a
 * duplicate or stale one and yields no events.
 */
function decide(cmd: NodeCommand, node: NodeState): NodeEvent[] {
  if (cmd.type === 'RegisterNode') return registerNode(cmd, node);
  if (!node.exists) throw new NotFound('node', cmd.nodeId);
  const nodeId = node.id as string;

  switch (cmd.type) {
    case 'RequestNodeBootstrap':
      if (node.status === 'bootstrapping' || node.status === 'decommissioned') {
        throw refuse(NODE_RULES.cannotBootstrapWhileBootstrappingOrDecommissioned, node, 'start a bootstrap');
      }
      return [{ type: 'NodeBootstrapRequested', data: { nodeId } }];
    case 'CompleteNodeBootstrap': {
      if (node.status !== 'bootstrapping') return [];
      const events: NodeEvent[] = [{ type: 'NodeBootstrapped', data: { nodeId, facts: cmd.facts } }];
      // Bootstrap set up the management user (and, by default, turned root's SSH login off): the
      // control plane continues as that user. A node registered as that user already stays as it is.
      if (cmd.managementUser != null) {
        const to = parseSshUser(cmd.managementUser, 'managementUser');
        if (to !== node.user) events.push({ type: 'NodeManagementUserSwitched', data: { nodeId, from: node.user as string, to } });
      }
      return events;
    }
    case 'FailNodeBootstrap': {
      if (node.status !== 'bootstrapping') return [];
      const failed: NodeEvent = { type: 'NodeBootstrapFailed', data: { nodeId, error: cmd.error } };
      // A node that could not be reached at all is marked unreachable (not just "failed").
      if (cmd.error.code === 'NODE_UNREACHABLE') {
        return [failed, { type: 'NodeStatusChanged', data: { nodeId, from: 'failed', to: 'unreachable', reason: cmd.error.message } }];
      }
      return [failed];
    }
    case 'PinNodeHostKey': {
      if (node.status === 'decommissioned') throw refuse(NODE_RULES.decommissionedNodeIsFinal, node, 'pin a host key');
      const fingerprint = parseHostKeyFingerprint(cmd.fingerprint, 'fingerprint');
      const events: NodeEvent[] = [];
      if (fingerprint !== node.hostKeyFingerprint) {
        events.push({ type: 'NodeHostKeyPinned', data: { nodeId, fingerprint, previousFingerprint: node.hostKeyFingerprint } });
      }
      // Re-pinning clears a host key mismatch flag: the node goes back to the status it had.
      const back = node.hostKeyMismatch?.previousStatus;
      if (back && node.status === 'failed' && back !== 'failed') {
        events.push({ type: 'NodeStatusChanged', data: { nodeId, from: 'failed', to: back, reason: 'host key re-pinned by an operator' } });
      }
      return events;
    }
    case 'RecordNodeHealth': {
      // Health only toggles ready <-> unreachable; other statuses belong to bootstrap/decommission.
      // An unreachable node that never completed a bootstrap comes back as failed (it needs one).
      const to: NodeStatus | null =
        node.status === 'ready' && !cmd.reachable ? 'unreachable'
        : node.status === 'unreachable' && cmd.reachable ? (node.bootstrapped ? 'ready' : 'failed')
        : null;
      if (!to) return [];
      return [{ type: 'NodeStatusChanged', data: { nodeId, from: node.status as NodeStatus, to, reason: cmd.reason } }];
    }
    case 'RecordHostKeyMismatch': {
      // A bootstrap records its own failure (with the HOST_KEY_MISMATCH error); a flagged node stays flagged.
      if (node.status === 'decommissioned' || node.status === 'bootstrapping' || node.hostKeyMismatch) return [];
      return [
        {
          type: 'NodeHostKeyMismatchDetected',
          data: {
            nodeId,
            pinnedFingerprint: node.hostKeyFingerprint,
            presentedFingerprint: cmd.presentedFingerprint,
            previousStatus: node.status as NodeStatus,
          },
        },
      ];
    }
    case 'DecommissionNode':
      if (node.status === 'decommissioned') return [];
      return [{ type: 'NodeDecommissioned', data: { nodeId } }];
    case 'SetBackupRepository':
      return setBackupRepository(cmd, nodeId, node.status === 'decommissioned');
    case 'RemoveBackupRepository':
      return removeBackupRepository(cmd, nodeId, node.backupRepository);
    case 'RequestBackupRepositoryCheck':
      return requestBackupRepositoryCheck(cmd, nodeId, node.backupRepository);
    case 'RecordBackupRepositoryCheck':
      return recordBackupRepositoryCheck(cmd, nodeId, node.backupRepository);
  }
}

function evolve(node: NodeState, event: NodeEvent): NodeState {
  switch (event.type) {
    case 'NodeRegistered': {
      const { nodeId, name, host, port, user, hostKeyFingerprint } = event.data;
      return { ...initialNodeState, exists: true, id: nodeId, name, host, port, user, hostKeyFingerprint, status: 'pending' };
    }
    case 'NodeBootstrapRequested':
      return { ...node, status: 'bootstrapping', hostKeyMismatch: null };
    case 'NodeBootstrapped':
      return { ...node, status: 'ready', facts: event.data.facts, bootstrapped: true };
    case 'NodeBootstrapFailed':
      return {
        ...node,
        status: 'failed',
        hostKeyMismatch: event.data.error.code === 'HOST_KEY_MISMATCH' ? { previousStatus: 'failed' } : null,
      };
    case 'NodeHostKeyPinned':
      return { ...node, hostKeyFingerprint: event.data.fingerprint, hostKeyMismatch: null };
    case 'NodeStatusChanged':
      return { ...node, status: event.data.to };
    case 'NodeHostKeyMismatchDetected':
      return { ...node, status: 'failed', hostKeyMismatch: { previousStatus: event.data.previousStatus } };
    case 'NodeManagementUserSwitched':
      return { ...node, user: event.data.to };
    case 'NodeDecommissioned':
      return { ...node, status: 'decommissioned', hostKeyMismatch: null };
    case 'NodeBackupRepositorySet': {
      const { repositoryId, url, kind } = event.data;
      return { ...node, backupRepository: { repositoryId, url, kind, checkPending: false } };
    }
    case 'NodeBackupRepositoryRemoved':
      return { ...node, backupRepository: null };
    case 'BackupRepositoryCheckRequested':
      return node.backupRepository ? { ...node, backupRepository: { ...node.backupRepository, checkPending: true } } : node;
    case 'BackupRepositoryChecked':
    case 'BackupRepositoryCheckFailed':
      return node.backupRepository ? { ...node, backupRepository: { ...node.backupRepository, checkPending: false } } : node;
  }
}

export const nodeDecider: Decider<NodeState, NodeCommand, NodeEvent> = {
  initialState: initialNodeState,
  decide: (command, state) => decide(command, state),
  evolve,
};
