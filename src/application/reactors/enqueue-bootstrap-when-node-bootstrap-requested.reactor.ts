import type { NodeBootstrapRequestedData } from '../../domain/node/node.events';
import { JOB_KINDS, nodeConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueueBootstrapWhenNodeBootstrapRequested = jobReactor<NodeBootstrapRequestedData>(
  'enqueue-bootstrap-when-node-bootstrap-requested',
  'NodeBootstrapRequested',
  (d, event) => ({
    kind: JOB_KINDS.nodeBootstrap,
    payload: { nodeId: d.nodeId },
    nodeId: d.nodeId,
    concurrencyKey: nodeConcurrencyKey(d.nodeId),
    dedupKey: `${JOB_KINDS.nodeBootstrap}:${d.nodeId}`,
  }),
);
