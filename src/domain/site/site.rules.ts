/**
 * Named business rules of the Site aggregate. The ids are stable: they appear in error details,
 * API responses and docs/state-machine.md.
 */
export const SITE_RULES = {
  /** CreateSite needs the target node to exist (NotFound otherwise). */
  requiresExistingNode: 'site-requires-existing-node',
  /** A failed or decommissioned node cannot host a new site (NODE_NOT_READY). */
  cannotBeCreatedOnUnusableNode: 'site-cannot-be-created-on-unusable-node',
  /** An environment slug names its Linux user s-<slug> (32 chars at most): at most 30 chars (ENVIRONMENT_SLUG_TOO_LONG). */
  envSlugMustFitNodeNames: 'environment-slug-must-fit-node-names',
  /** Site ids are never reused, not even after deletion (DUPLICATE). */
  idMustBeUnique: 'site-id-must-be-unique',
  /** Deploys start only from ACTIVE (SITE_BUSY mid-operation, INVALID_STATE_TRANSITION otherwise). */
  cannotDeployUnlessActive: 'site-cannot-deploy-unless-active',
  /** A deploy targets an environment the site has (NotFound otherwise). */
  deployRequiresExistingEnvironment: 'deploy-requires-existing-environment',
  /** Manual rollbacks start only from ACTIVE. */
  cannotRollBackUnlessActive: 'site-cannot-roll-back-unless-active',
  /** A rollback needs a target: the previous release, or a named release the environment still keeps. */
  rollbackNeedsTarget: 'rollback-needs-a-kept-release',
  /** A release marked bad (its deploy was rolled back) is a rollback target only with force. */
  badReleaseNeedsForce: 'rollback-to-bad-release-needs-force',
  /** Domain changes start only from ACTIVE. */
  cannotChangeDomainsUnlessActive: 'site-cannot-change-domains-unless-active',
  /** Aliases differ from the primary and from each other. */
  domainsMustBeDistinct: 'environment-domains-must-be-distinct',
  /** Reset is a recovery action: only a FAILED site can be reset. */
  canBeResetOnlyWhenFailed: 'site-can-be-reset-only-when-failed',
  /** Retry re-runs the operation that failed: only from FAILED. */
  canBeRetriedOnlyWhenFailed: 'site-can-be-retried-only-when-failed',
  /** Deletion starts from ACTIVE or FAILED only. */
  canBeDeletedOnlyWhenActiveOrFailed: 'site-can-be-deleted-only-when-active-or-failed',
  /** Backups start only while the site is ACTIVE (SITE_BUSY mid-operation, INVALID_STATE_TRANSITION otherwise). */
  canBeBackedUpOnlyWhenActive: 'site-can-be-backed-up-only-when-active',
  /** One backup of a site at a time, and no restore while one runs (BACKUP_RUNNING). */
  oneBackupAtATime: 'site-allows-one-backup-at-a-time',
  /** A backup scope is db, files or full (VALIDATION_FAILED). */
  backupScopeMustBeKnown: 'backup-scope-must-be-db-files-or-full',
  /** Restores start from ACTIVE, or from FAILED as a recovery (SITE_BUSY mid-operation). */
  canBeRestoredOnlyWhenActiveOrFailed: 'site-can-be-restored-only-when-active-or-failed',
  /** A restore names a backup of the same environment (BACKUP_NOT_FOUND) that completed (BACKUP_NOT_COMPLETE). */
  restoreNeedsCompletedBackup: 'restore-needs-a-completed-backup-of-the-environment',
  /** Issue 10 item 6: a restore overwrites nothing before its own pre-restore backup succeeded (PRE_RESTORE_BACKUP_MISSING). */
  restoreOverwritesOnlyAfterPreRestoreBackup: 'restore-overwrites-only-after-its-pre-restore-backup',
  /** A backup schedule is a 5-field cron expression in an IANA time zone with at least one keep rule (INVALID_CRON_EXPRESSION, INVALID_TIME_ZONE, INVALID_RETENTION). */
  backupScheduleMustBeValid: 'backup-schedule-must-be-valid',
  /** Schedules are set and backups deleted only on a site that is not being deleted or deleted (INVALID_STATE_TRANSITION). */
  backupsChangeOnlyOnLiveSite: 'backups-change-only-on-a-live-site',
  /** A scheduled backup is requested once per due time; earlier due times it skipped are recorded as missed. */
  scheduledBackupOncePerDueTime: 'scheduled-backup-once-per-due-time',
  /** A backup that is running, being deleted or used by a running restore cannot be deleted (BACKUP_IN_USE). */
  backupInUseCannotBeDeleted: 'backup-in-use-cannot-be-deleted',
  /** A failed backup deletion is retried for the backups it named that are still listed; none left, no retry. */
  deletionRetryNeedsBackupsLeft: 'deletion-retry-needs-backups-left',
  /** Retention deletes only scheduled backups; operator and pre-restore backups are never deleted by it. */
  retentionDeletesOnlyScheduledBackups: 'retention-deletes-only-scheduled-backups',
  /** Issue 10 item 6: a deletion removes nothing before every environment's final backup succeeded (FINAL_BACKUP_MISSING). */
  deletionRemovesOnlyAfterFinalBackups: 'site-deletion-removes-only-after-its-final-backups',
  /** A final backup (or any backup of a deleted site) is restored by hand on the node, not by a restore (BACKUP_NOT_RESTORABLE). */
  finalBackupIsNotRestorable: 'final-backup-is-restored-by-hand',
  /** Only a failed operator backup is retried under its id (BACKUP_NOT_RETRYABLE); pre-restore and final ones go with their operation. */
  backupRetryNeedsFailedOperatorBackup: 'backup-retry-needs-a-failed-operator-backup',
  /** Clones start only from ACTIVE (SITE_BUSY mid-operation, INVALID_STATE_TRANSITION otherwise). */
  canBeClonedOnlyWhenActive: 'site-can-be-cloned-only-when-active',
  /** A clone copies an environment the site has and that is active (NOT_FOUND, ENVIRONMENT_NOT_ACTIVE). */
  cloneNeedsActiveSource: 'clone-needs-an-active-source-environment',
  /** Environment names are unique within a site (ENVIRONMENT_EXISTS). */
  environmentNameMustBeUnique: 'environment-name-must-be-unique',
  /** A clone lives on its source's node; copying between nodes is not supported yet (CLONE_ACROSS_NODES_UNSUPPORTED). */
  cloneStaysOnSourceNode: 'clone-stays-on-the-source-node',
  /** A domain is served by one environment only (DUPLICATE). */
  domainServedOnce: 'domain-is-served-by-one-environment',
  /** Environments are deleted on their own only while the site is ACTIVE. */
  environmentDeletedOnlyWhenActive: 'environment-can-be-deleted-only-when-site-active',
  /** Production goes only with its site (PRODUCTION_NOT_DELETABLE). */
  productionGoesWithItsSite: 'production-is-deleted-only-with-its-site',
  /** Promotions start only while the site is ACTIVE (SITE_BUSY mid-operation, INVALID_STATE_TRANSITION otherwise). */
  canBePromotedOnlyWhenActive: 'site-can-be-promoted-only-when-active',
  /** A promotion preset is code-only, content-protect or full; extra content tables are plain table names (VALIDATION_FAILED). */
  promotionPresetMustBeKnown: 'promotion-preset-must-be-known',
  /** Only an active clone is promoted, onto the active environment it was cloned from, with a release and a current baseline. */
  promotionNeedsCloneOfTarget: 'promotion-goes-onto-the-environment-it-was-cloned-from',
  /** What the preset would overwrite must not have changed on the target since the baseline, unless forced (PROMOTION_BLOCKED). */
  promotionBlockedByDrift: 'promotion-is-blocked-by-drift-on-the-target',
  /** Issue 10 item 6: a promotion overwrites nothing before its own backup of the target succeeded (PRE_PROMOTION_BACKUP_MISSING). */
  promotionOverwritesOnlyAfterItsBackup: 'promotion-overwrites-only-after-its-backup-of-the-target',
  /** Generic: one mutation per site at a time (SITE_BUSY). */
  oneMutationAtATime: 'site-allows-one-mutation-at-a-time',
  /** Generic: every state change must be a row of the lifecycle table. */
  transitionMustBeInTable: 'site-transition-must-be-in-lifecycle-table',
} as const;

export type SiteRule = (typeof SITE_RULES)[keyof typeof SITE_RULES];
