import type { RecordedEvent } from '../ports/event-store.port';
import type { RowProjection } from './row-projection';

type JobRow = {
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

type JobData = {
  jobId: string;
  kind?: string;
  siteId?: string | null;
  nodeId?: string | null;
  maxAttempts?: number;
  attempt?: number;
  error?: { code: string; message: string };
};

const STATE_AFTER: Record<string, string> = {
  JobQueued: 'queued',
  JobStarted: 'running',
  JobRetryScheduled: 'retry_wait',
  JobSucceeded: 'succeeded',
  JobFailed: 'failed',
  JobCancelled: 'cancelled',
  JobRetryRequested: 'queued',
};

/** rm_jobs: the job list and job detail pages, from the job-<id> streams. */
export const jobListProjection: RowProjection<JobRow> = {
  name: 'job-list',
  table: 'rm_jobs',
  primaryKey: ['id'],
  columns: ['id', 'kind', 'state', 'attempt', 'max_attempts', 'site_id', 'node_id', 'error', 'correlation_id', 'actor', 'created_at', 'updated_at'],
  handles: (type) => type in STATE_AFTER || type === 'JobCancelRequested',
  keys: (event: RecordedEvent) => [[(event.data as JobData).jobId]],
  evolve: (row, event) => {
    const d = event.data as JobData;
    if (event.type === 'JobQueued') {
      return {
        id: d.jobId,
        kind: d.kind ?? 'unknown',
        state: 'queued',
        attempt: 0,
        max_attempts: d.maxAttempts ?? 1,
        site_id: d.siteId ?? null,
        node_id: d.nodeId ?? null,
        error: null,
        correlation_id: event.metadata.correlationId,
        actor: event.metadata.actor,
        created_at: event.recordedAt,
        updated_at: event.recordedAt,
      };
    }
    if (!row) return null;
    return {
      ...row,
      state: STATE_AFTER[event.type] ?? row.state,
      attempt: event.type === 'JobRetryRequested' ? 0 : (d.attempt ?? row.attempt),
      error: d.error ? JSON.stringify(d.error) : event.type === 'JobRetryRequested' ? null : row.error,
      updated_at: event.recordedAt,
    };
  },
};
