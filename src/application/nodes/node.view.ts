export interface NodeView {
  id: string;
  name: string;
  host: string;
  port: number;
  user: string;
  status: string;
  hostKeyFingerprint: string | null;
  facts: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type NodeRow = {
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

export function toNodeView(row: NodeRow): NodeView {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    port: row.port,
    user: row.ssh_user,
    status: row.status,
    hostKeyFingerprint: row.host_key_fingerprint,
    facts: JSON.parse(row.facts) as Record<string, unknown>,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
