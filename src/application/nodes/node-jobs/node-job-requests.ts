import type { JobRequest } from '../../ports/event-store.port';
import { JOB_KINDS, nodeConcurrencyKey } from '../../jobs/job-kinds';

/** One health check per node at a time (dedup key), serialized with the node's other jobs. */
export function healthCheckJobRequest(nodeId: string): JobRequest {
  return {
    kind: JOB_KINDS.nodeHealthCheck,
    payload: { nodeId },
    nodeId,
    concurrencyKey: nodeConcurrencyKey(nodeId),
    dedupKey: `${JOB_KINDS.nodeHealthCheck}:${nodeId}`,
    maxAttempts: 3,
  };
}
