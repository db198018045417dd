import type { PromotionRequestedData } from '../../domain/site/site-promotion.events';
import { JOB_KINDS, siteConcurrencyKey } from '../jobs/job-kinds';
import { jobReactor } from './job-reactor';

export const enqueuePromotionWhenPromotionRequested = jobReactor<PromotionRequestedData>(
  'enqueue-promotion-when-promotion-requested',
  'PromotionRequested',
  (d) => ({
    kind: JOB_KINDS.sitePromote,
    payload: { siteId: d.siteId, environment: d.target, promotionId: d.promotionId },
    siteId: d.siteId,
    concurrencyKey: siteConcurrencyKey(d.siteId),
    dedupKey: `${JOB_KINDS.sitePromote}:${d.promotionId}`,
  }),
);
