/** Node statuses, lower-case as they travel in the API and events (docs/architecture.md §5). */
export const NODE_STATUSES = ['pending', 'bootstrapping', 'ready', 'unreachable', 'failed', 'decommissioned'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export function isNodeStatus(value: string): value is NodeStatus {
  return (NODE_STATUSES as readonly string[]).includes(value);
}

/**
 * A node that can still receive a new site. pending/bootstrapping are allowed because the site's
 * provisioning job waits for bootstrap anyway; unreachable is usually transient.
 */
export function canHostNewSites(status: string): boolean {
  return isNodeStatus(status) && status !== 'failed' && status !== 'decommissioned';
}
