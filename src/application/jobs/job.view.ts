export interface JobView {
  id: string;
  kind: string;
  state: string;
  attempt: number;
  maxAttempts: number;
  siteId?: string;
  nodeId?: string;
  error?: { code: string; message: string };
  correlationId: string;
  actor: string;
  createdAt: string;
  updatedAt: string;
}

export type JobRow = {
  id: string;
  kind: string;
  state: string;
  attempt: number;
  max_attempts: number;
  site_id: string | null;
  node_id: string | null;
  error: string | null;
  correlation_id: string;
  actor: string;
  created_at: string;
  updated_at: string;
};

export function toJobView(row: JobRow): JobView {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    ...(row.site_id ? { siteId: row.site_id } : {}),
    ...(row.node_id ? { nodeId: row.node_id } : {}),
    ...(row.error ? { error: JSON.parse(row.error) as { code: string; message: string } } : {}),
    correlationId: row.correlation_id,
    actor: row.actor,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
