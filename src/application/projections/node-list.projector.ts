import type { RecordedEvent } from '../ports/event-store.port';
import type { RowProjection } from './row-projection';

type NodeRow = {
  id: string;
  name: string;
  host: string;
  port: number;
  ssh_user: string;
  status: string;
  host_key_fingerprint: string | null;
  facts: string;
  version: number;
  created_at: string;
  updated_at: string;
};

type NodeData = {
  nodeId: string;
  name?: string;
  host?: string;
  port?: number;
  user?: string;
  hostKeyFingerprint?: string | null;
  fingerprint?: string;
  facts?: Record<string, unknown>;
  to?: string;
};

const STATUS_AFTER: Record<string, string> = {
  NodeBootstrapRequested: 'bootstrapping',
  NodeBootstrapped: 'ready',
  NodeBootstrapFailed: 'failed',
  NodeHostKeyMismatchDetected: 'failed',
  NodeDecommissioned: 'decommissioned',
};

const NODE_FIELDS_EVENTS = new Set(['NodeRegistered', 'NodeHostKeyPinned', 'NodeStatusChanged', 'NodeManagementUserSwitched']);

/** rm_nodes: node list and detail (status, pinned host key, facts, the SSH user jobs connect as). */
export const nodeListProjection: RowProjection<NodeRow> = {
  name: 'node-list',
  table: 'rm_nodes',
  primaryKey: ['id'],
  columns: ['id', 'name', 'host', 'port', 'ssh_user', 'status', 'host_key_fingerprint', 'facts', 'version', 'created_at', 'updated_at'],
  handles: (type) => type in STATUS_AFTER || NODE_FIELDS_EVENTS.has(type),
  keys: (event: RecordedEvent) => [[(event.data as NodeData).nodeId]],
  evolve: (row, event) => {
    const d = event.data as NodeData;
    if (event.type === 'NodeRegistered') {
      return {
        id: d.nodeId,
        name: d.name ?? d.nodeId,
        host: d.host ?? '',
        port: d.port ?? 22,
        ssh_user: d.user ?? 'pressluft',
        status: 'pending',
        host_key_fingerprint: d.hostKeyFingerprint ?? null,
        facts: '{}',
        version: event.streamVersion,
        created_at: event.recordedAt,
        updated_at: event.recordedAt,
      };
    }
    if (!row) return null;
    return {
      ...row,
      status: event.type === 'NodeStatusChanged' ? (d.to ?? row.status) : (STATUS_AFTER[event.type] ?? row.status),
      ssh_user: event.type === 'NodeManagementUserSwitched' ? (d.to ?? row.ssh_user) : row.ssh_user,
      host_key_fingerprint: event.type === 'NodeHostKeyPinned' ? (d.fingerprint ?? null) : row.host_key_fingerprint,
      facts: event.type === 'NodeBootstrapped' ? JSON.stringify(d.facts ?? {}) : row.facts,
      version: event.streamVersion,
      updated_at: event.recordedAt,
    };
  },
};
