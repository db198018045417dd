import type { SiteRetryRequestedData } from '../../domain/site/site.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

const KIND_OF_OPERATION = {
  provision: JOB_KINDS.siteProvision,
  deploy: JOB_KINDS.siteDeploy,
  rollback: JOB_KINDS.siteRollback,
  domains: JOB_KINDS.siteDomains,
  clone: JOB_KINDS.siteClone,
  'environment-delete': JOB_KINDS.siteEnvironmentDelete,
  restore: JOB_KINDS.siteRestore,
  promote: JOB_KINDS.sitePromote,
  reset: JOB_KINDS.siteReset,
  delete: JOB_KINDS.siteDelete,
} as Record<string, string>;

/** A retry re-runs the failed operation with the same inputs (the deploy keeps its deployment id). */
export const enqueueOperationWhenSiteRetryRequested = jobReactor<SiteRetryRequestedData>(
  'enqueue-operation-when-site-retry-requested',
  'SiteRetryRequested',
  (d, event) => ({
    kind: KIND_OF_OPERATION[d.operation] ?? `site.${d.operation}`,
    payload: {
      siteId: d.siteId,
      retry: true,
      ...(d.deploymentId ? { deploymentId: d.deploymentId } : {}),
      ...(d.rollbackId ? { rollbackId: d.rollbackId } : {}),
      ...(d.changeId ? { changeId: d.changeId } : {}),
      ...(d.restoreId ? { restoreId: d.restoreId } : {}),
      ...(d.promotionId ? { promotionId: d.promotionId } : {}),
      ...(d.cloneId ? { cloneId: d.cloneId } : {}),
      ...(d.environmentDeletionId ? { environmentDeletionId: d.environmentDeletionId } : {}),
      ...(d.environment ? { environment: d.environment } : {}),
    },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `site.retry:${event.eventId}`,
  }),
);
