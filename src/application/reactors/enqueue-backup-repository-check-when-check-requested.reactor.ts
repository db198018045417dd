import type { BackupRepositoryCheckRequestedData } from '../../domain/node/node.events';
import { JOB_KINDS } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueueBackupRepositoryCheckWhenCheckRequested = jobReactor<BackupRepositoryCheckRequestedData>(
  'enqueue-backup-repository-check-when-check-requested',
  'BackupRepositoryCheckRequested',
  (d) => ({
    kind: JOB_KINDS.nodeBackupRepositoryCheck,
    payload: { nodeId: d.nodeId, repositoryId: d.repositoryId, reason: d.reason },
    nodeId: d.nodeId,
    // Not the node's key (bootstrap, health checks): a long check must not hold those up.
    concurrencyKey: `backup-repository:${d.nodeId}`,
    dedupKey: `${JOB_KINDS.nodeBackupRepositoryCheck}:${d.nodeId}:${d.repositoryId}`,
  }),
);
