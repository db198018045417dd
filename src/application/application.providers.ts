import type { Provider } from '@nestjs/common';
import { AUTH_APPLICATION_PROVIDERS } from './auth/auth.providers';
import { CERTIFICATE_APPLICATION_PROVIDERS } from './certificates/certificates.providers';
import { IssueCertificateJobHandler } from './certificates/issue-certificate/issue-certificate.job-handler';
import { RequestCertificateJobHandler } from './certificates/request-certificate/request-certificate.job-handler';
import { DecideAndAppend } from './common/decide-and-append';
import { ListEventsHandler } from './events/list-events/list-events.handler';
import { StreamHistoryHandler } from './events/stream-history/stream-history.handler';
import { VerifyEventsHandler } from './events/verify-events/verify-events.handler';
import { CheckIdempotencyKeyHandler } from './common/check-idempotency-key/check-idempotency-key.handler';
import { CreateAnchorHandler } from './events/create-anchor/create-anchor.handler';
import { VerifyAnchorHandler } from './events/verify-anchor/verify-anchor.handler';
import { BackupDatabaseHandler } from './system/backup-database/backup-database.handler';
import { CancelJobHandler } from './jobs/cancel-job/cancel-job.handler';
import { GetJobHandler } from './jobs/get-job/get-job.handler';
import { JobLifecycleRecorder } from './jobs/job-lifecycle/job-lifecycle.recorder';
import { ListJobsHandler } from './jobs/list-jobs/list-jobs.handler';
import { RetryJobHandler } from './jobs/retry-job/retry-job.handler';
import { GetNodeHandler } from './nodes/get-node/get-node.handler';
import { ListNodesHandler } from './nodes/list-nodes/list-nodes.handler';
import { RegisterNodeHandler } from './nodes/register-node/register-node.handler';
import { RequestNodeBootstrapHandler } from './nodes/request-node-bootstrap/request-node-bootstrap.handler';
import { EnqueueJob } from './jobs/enqueue-job/enqueue-job.service';
import { ListRunEventsHandler, ReadJobRunLogHandler } from './jobs/read-job-run-log/read-job-run-log.handler';
import { BootstrapNodeJobHandler } from './nodes/bootstrap-node/bootstrap-node.job-handler';
import { HealthCheckNodeJobHandler } from './nodes/health-check-node/health-check-node.job-handler';
import { NodeJobSupport } from './nodes/node-jobs/node-job-support';
import { RepinNodeHostKeyHandler } from './nodes/repin-node-host-key/repin-node-host-key.handler';
import { ResticAccess } from './nodes/backup-repository/restic-access';
import { CheckBackupRepositoryJobHandler } from './nodes/check-backup-repository/check-backup-repository.job-handler';
import { GetBackupRepositoryHandler } from './nodes/get-backup-repository/get-backup-repository.handler';
import { RemoveBackupRepositoryHandler } from './nodes/remove-backup-repository/remove-backup-repository.handler';
import { RequestBackupRepositoryCheckHandler } from './nodes/request-backup-repository-check/request-backup-repository-check.handler';
import { RunBackupRepositoryChecksHandler } from './nodes/run-backup-repository-checks/run-backup-repository-checks.handler';
import { SetBackupRepositoryHandler } from './nodes/set-backup-repository/set-backup-repository.handler';
import { RequestNodeHealthCheckHandler } from './nodes/request-node-health-check/request-node-health-check.handler';
import { GetControlPlaneKeyHandler } from './ssh/get-control-plane-key/get-control-plane-key.handler';
import { ChangeSiteDomainsJobHandler } from './sites/change-site-domains/change-site-domains.job-handler';
import { CheckSiteHealthJobHandler, ResetSiteJobHandler } from './sites/check-site-health/check-site-health.job-handler';
import { CreateSiteHandler } from './sites/create-site/create-site.handler';
import { DeleteSiteJobHandler } from './sites/delete-site/delete-site.job-handler';
import { DeploySiteJobHandler } from './sites/deploy-site/deploy-site.job-handler';
import { ProvisionSiteJobHandler } from './sites/provision-site/provision-site.job-handler';
import { RollbackSiteJobHandler } from './sites/rollback-site/rollback-site.job-handler';
import { SiteJobSupport } from './sites/site-jobs/site-job-support';
import { GetDeployKeyHandler } from './sites/get-deploy-key/get-deploy-key.handler';
import { GetSiteHandler } from './sites/get-site/get-site.handler';
import { ListSitesHandler } from './sites/list-sites/list-sites.handler';
import { RequestDeployHandler } from './sites/request-deploy/request-deploy.handler';
import { RequestDomainsChangeHandler } from './sites/request-domains-change/request-domains-change.handler';
import { RequestRollbackHandler } from './sites/request-rollback/request-rollback.handler';
import { SaveUploadHandler } from './sites/save-upload/save-upload.handler';
import { RequestSiteDeletionHandler } from './sites/request-site-deletion/request-site-deletion.handler';
import { RequestSiteResetHandler } from './sites/request-site-reset/request-site-reset.handler';
import { RequestSiteRetryHandler } from './sites/request-site-retry/request-site-retry.handler';
import { BackUpSiteJobHandler } from './sites/back-up-site/back-up-site.job-handler';
import { ListBackupsHandler } from './sites/list-backups/list-backups.handler';
import { RequestBackupHandler } from './sites/request-backup/request-backup.handler';
import { RetryBackupHandler } from './sites/retry-backup/retry-backup.handler';
import { RequestRestoreHandler } from './sites/request-restore/request-restore.handler';
import { RestoreSiteJobHandler } from './sites/restore-site/restore-site.job-handler';
import { CloneEnvironmentJobHandler } from './sites/clone-environment/clone-environment.job-handler';
import { CheckDriftJobHandler } from './sites/check-drift/check-drift.job-handler';
import { PromoteEnvironmentJobHandler } from './sites/promote-environment/promote-environment.job-handler';
import { RequestPromotionHandler } from './sites/request-promotion/request-promotion.handler';
import { JobCompletion } from './jobs/await-job/job-completion';
import { DeleteEnvironmentJobHandler } from './sites/delete-environment/delete-environment.job-handler';
import { RequestEnvironmentCloneHandler } from './sites/request-environment-clone/request-environment-clone.handler';
import { RequestEnvironmentDeletionHandler } from './sites/request-environment-deletion/request-environment-deletion.handler';
import { BACKUP_SCHEDULE_APPLICATION_PROVIDERS, BACKUP_SCHEDULE_JOB_HANDLER_CLASSES } from './sites/backup-schedules/backup-schedules.providers';
import { RebuildProjectionsHandler } from './projections/rebuild-projections/rebuild-projections.handler';
import { GetMetricsHandler } from './system/get-metrics/get-metrics.handler';
import { RenderMetricsHandler } from './system/render-metrics/render-metrics.handler';

/** Every command handler, query handler and application service. */
export const APPLICATION_PROVIDERS: Provider[] = [
  DecideAndAppend,
  JobLifecycleRecorder,
  CreateSiteHandler,
  RequestDeployHandler,
  RequestRollbackHandler,
  RequestDomainsChangeHandler,
  SaveUploadHandler,
  RequestSiteResetHandler,
  RequestSiteRetryHandler,
  RequestSiteDeletionHandler,
  RequestBackupHandler,
  RetryBackupHandler,
  RequestRestoreHandler,
  RequestEnvironmentCloneHandler,
  RequestEnvironmentDeletionHandler,
  ListBackupsHandler,
  GetSiteHandler,
  GetDeployKeyHandler,
  ListSitesHandler,
  RegisterNodeHandler,
  RequestNodeBootstrapHandler,
  RepinNodeHostKeyHandler,
  RequestNodeHealthCheckHandler,
  SetBackupRepositoryHandler,
  RemoveBackupRepositoryHandler,
  GetBackupRepositoryHandler,
  RequestBackupRepositoryCheckHandler,
  RunBackupRepositoryChecksHandler,
  ResticAccess,
  CheckBackupRepositoryJobHandler,
  GetControlPlaneKeyHandler,
  EnqueueJob,
  ReadJobRunLogHandler,
  ListRunEventsHandler,
  NodeJobSupport,
  BootstrapNodeJobHandler,
  HealthCheckNodeJobHandler,
  SiteJobSupport,
  ProvisionSiteJobHandler,
  DeploySiteJobHandler,
  RollbackSiteJobHandler,
  ChangeSiteDomainsJobHandler,
  DeleteSiteJobHandler,
  ResetSiteJobHandler,
  CheckSiteHealthJobHandler,
  BackUpSiteJobHandler,
  RestoreSiteJobHandler,
  CloneEnvironmentJobHandler,
  DeleteEnvironmentJobHandler,
  CheckDriftJobHandler,
  PromoteEnvironmentJobHandler,
  RequestPromotionHandler,
  JobCompletion,
  GetNodeHandler,
  ListNodesHandler,
  CancelJobHandler,
  RetryJobHandler,
  GetJobHandler,
  ListJobsHandler,
  ListEventsHandler,
  StreamHistoryHandler,
  VerifyEventsHandler,
  CheckIdempotencyKeyHandler,
  CreateAnchorHandler,
  VerifyAnchorHandler,
  BackupDatabaseHandler,
  GetMetricsHandler,
  RenderMetricsHandler,
  RebuildProjectionsHandler,
  ...AUTH_APPLICATION_PROVIDERS,
  ...CERTIFICATE_APPLICATION_PROVIDERS,
  ...BACKUP_SCHEDULE_APPLICATION_PROVIDERS,
];

/** The production job handlers (AppModule.forRoot({jobHandlers}) replaces them in tests). */
export const REAL_JOB_HANDLER_CLASSES = [
  BootstrapNodeJobHandler,
  HealthCheckNodeJobHandler,
  CheckBackupRepositoryJobHandler,
  ProvisionSiteJobHandler,
  DeploySiteJobHandler,
  RollbackSiteJobHandler,
  ChangeSiteDomainsJobHandler,
  DeleteSiteJobHandler,
  ResetSiteJobHandler,
  CheckSiteHealthJobHandler,
  IssueCertificateJobHandler,
  RequestCertificateJobHandler,
  BackUpSiteJobHandler,
  RestoreSiteJobHandler,
  CloneEnvironmentJobHandler,
  DeleteEnvironmentJobHandler,
  CheckDriftJobHandler,
  PromoteEnvironmentJobHandler,
  ...BACKUP_SCHEDULE_JOB_HANDLER_CLASSES,
] as const;
