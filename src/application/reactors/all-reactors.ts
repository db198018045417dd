import { enqueueBackupRepositoryCheckWhenCheckRequested } from './enqueue-backup-repository-check-when-check-requested.reactor';
import { enqueueBootstrapWhenNodeBootstrapRequested } from './enqueue-bootstrap-when-node-bootstrap-requested.reactor';
import { enqueueCertificateWhenCertificateRequested } from './enqueue-certificate-when-certificate-requested.reactor';
import { enqueueDeletionWhenSiteDeletionRequested } from './enqueue-deletion-when-site-deletion-requested.reactor';
import { enqueueDeployWhenDeployRequested } from './enqueue-deploy-when-deploy-requested.reactor';
import { enqueueDomainsChangeWhenDomainsChangeRequested } from './enqueue-domains-change-when-domains-change-requested.reactor';
import { enqueueRollbackWhenRollbackRequested } from './enqueue-rollback-when-rollback-requested.reactor';
import { enqueueHealthCheckWhenSiteResetRequested } from './enqueue-health-check-when-site-reset-requested.reactor';
import { enqueueOperationWhenSiteRetryRequested } from './enqueue-operation-when-site-retry-requested.reactor';
import { enqueueProvisioningWhenSiteCreated } from './enqueue-provisioning-when-site-created.reactor';
import { enqueueBackupWhenBackupRequested } from './enqueue-backup-when-backup-requested.reactor';
import { enqueueBackupWhenBackupRetryRequested } from './enqueue-backup-when-backup-retry-requested.reactor';
import { enqueueRestoreWhenRestoreRequested } from './enqueue-restore-when-restore-requested.reactor';
import { enqueuePromotionWhenPromotionRequested } from './enqueue-promotion-when-promotion-requested.reactor';
import { enqueueBackupPruneWhenBackupDeletionRequested } from './enqueue-backup-prune-when-backup-deletion-requested.reactor';
import { enqueueCloneWhenEnvironmentCloneRequested } from './enqueue-clone-when-environment-clone-requested.reactor';
import { enqueueEnvironmentDeletionWhenEnvironmentDeletionRequested } from './enqueue-environment-deletion-when-environment-deletion-requested.reactor';
import type { Reactor } from './reactor';
import { requestCertificateWhenDomainsChanged } from './request-certificate-when-domains-changed.reactor';
import { requestCertificateWhenSiteProvisioned } from './request-certificate-when-site-provisioned.reactor';

/** What decides which reactors a control plane runs. */
export interface ReactorOptions {
  /** An ACME account is configured (PRESSLUFT_ACME_EMAIL): new sites and new names ask for certificates at once. */
  readonly acmeConfigured: boolean;
}

/** The reactors of a control plane with these options. */
export function allReactors(options: ReactorOptions): readonly Reactor[] {
  return options.acmeConfigured ? [...ALL_REACTORS, ...CERTIFICATE_ISSUING_REACTORS] : ALL_REACTORS;
}

const CERTIFICATE_ISSUING_REACTORS: readonly Reactor[] = [requestCertificateWhenSiteProvisioned, requestCertificateWhenDomainsChanged];

/** The reactors every control plane runs. */
export const ALL_REACTORS: readonly Reactor[] = [
  enqueueProvisioningWhenSiteCreated,
  enqueueDeployWhenDeployRequested,
  enqueueRollbackWhenRollbackRequested,
  enqueueDomainsChangeWhenDomainsChangeRequested,
  enqueueHealthCheckWhenSiteResetRequested,
  enqueueDeletionWhenSiteDeletionRequested,
  enqueueOperationWhenSiteRetryRequested,
  enqueueBootstrapWhenNodeBootstrapRequested,
  enqueueBackupRepositoryCheckWhenCheckRequested,
  enqueueCertificateWhenCertificateRequested,
  enqueueBackupWhenBackupRequested,
  enqueueBackupWhenBackupRetryRequested,
  enqueueRestoreWhenRestoreRequested,
  enqueuePromotionWhenPromotionRequested,
  enqueueBackupPruneWhenBackupDeletionRequested,
  enqueueCloneWhenEnvironmentCloneRequested,
  enqueueEnvironmentDeletionWhenEnvironmentDeletionRequested,
];
