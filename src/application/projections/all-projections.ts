import { apiTokenListProjection, userListProjection } from '../auth/auth.projections';
import { backupProjection } from './backup.projector';
import { backupRepositoryProjection } from './backup-repository.projector';
import { backupScheduleProjection } from './backup-schedule.projector';
import { certificateProjection } from './certificate.projector';
import { environmentProjection } from './environment.projector';
import { jobListProjection } from './job-list.projector';
import { nodeListProjection } from './node-list.projector';
import type { RowProjection } from './row-projection';
import { siteListProjection } from './site-list.projector';
import { streamIndexProjection } from './stream-index.projector';

/** Every inline projection, in the order they run inside an append. */
export const ALL_PROJECTIONS: readonly RowProjection[] = [
  siteListProjection,
  environmentProjection,
  nodeListProjection,
  jobListProjection,
  streamIndexProjection,
  userListProjection,
  apiTokenListProjection,
  certificateProjection,
  backupProjection,
  backupScheduleProjection,
  backupRepositoryProjection,
] as unknown as readonly RowProjection[];
