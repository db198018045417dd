import { DomainEvent } from '../common/domain-event';
import type { PhpVersion } from '../common/value-objects';
import type { OperationError } from './operation-error';

/*
 * Events of environments made and removed after the site was created (docs/operations.md, "Staging
 * clones"): a clone of an environment on the same node (CLONING), and the deletion of a
 * non-production environment on its own (DELETING_ENVIRONMENT). Type strings are stable.
 */

/** Row count and checksum of one table of the source database when the clone was taken. */
export interface DriftBaselineTable {
  readonly name: string;
  readonly rows: number;
  /** MariaDB's CHECKSUM TABLE (EXTENDED) value, as a decimal string ('' when the engine gives none). */
  readonly checksum: string;
  /** Rows and checksum leave out the table's volatile rows (transients, cron, login sessions). */
  readonly filtered?: boolean;
}

/**
 * What the source environment held when it was cloned, for a later drift check (issue 10 item 5):
 * every table of its database, and a hash over its uploads (path, size and sha256 of each file, sorted).
 * Taken on the node by playbooks/helpers/pl-drift-snapshot.py right before the source's database was dumped.
 */
export interface DriftBaseline {
  readonly takenAt: string;
  readonly database: string;
  /** The WordPress table prefix read from the environment's wp-config.php (absent in baselines of older clones). */
  readonly prefix?: string | null;
  readonly tables: readonly DriftBaselineTable[];
  readonly uploads: { readonly files: number; readonly bytes: number; readonly sha256: string };
}

export interface EnvironmentCloneRequestedData {
  readonly siteId: string;
  readonly cloneId: string;
  /** The new environment. */
  readonly environment: string;
  readonly envSlug: string;
  readonly sourceEnvironment: string;
  readonly nodeId: string;
  /** The new environment's domains (primary first). */
  readonly domains: readonly string[];
  readonly phpVersion: PhpVersion;
}
export interface EnvironmentClonedData {
  readonly siteId: string;
  readonly cloneId: string;
  readonly environment: string;
  readonly sourceEnvironment: string;
  /** The new environment's release: a copy of the source's current one, under the same id. */
  readonly releaseId: string | null;
  readonly baseline: DriftBaseline;
}
export interface EnvironmentCloneFailedData {
  readonly siteId: string;
  readonly cloneId: string;
  readonly environment: string;
  readonly error: OperationError;
}
export interface EnvironmentDeletionRequestedData {
  readonly siteId: string;
  readonly environmentDeletionId: string;
  readonly environment: string;
}
export interface EnvironmentDeletedData {
  readonly siteId: string;
  readonly environmentDeletionId: string;
  readonly environment: string;
  /** The environment's backups: their files went with it, so they are no longer listed. */
  readonly removedBackupIds: readonly string[];
}
export interface EnvironmentDeletionFailedData {
  readonly siteId: string;
  readonly environmentDeletionId: string;
  readonly environment: string;
  readonly error: OperationError;
}

export type EnvironmentCloneRequested = DomainEvent<'EnvironmentCloneRequested', EnvironmentCloneRequestedData>;
export type EnvironmentCloned = DomainEvent<'EnvironmentCloned', EnvironmentClonedData>;
export type EnvironmentCloneFailed = DomainEvent<'EnvironmentCloneFailed', EnvironmentCloneFailedData>;
export type EnvironmentDeletionRequested = DomainEvent<'EnvironmentDeletionRequested', EnvironmentDeletionRequestedData>;
export type EnvironmentDeleted = DomainEvent<'EnvironmentDeleted', EnvironmentDeletedData>;
export type EnvironmentDeletionFailed = DomainEvent<'EnvironmentDeletionFailed', EnvironmentDeletionFailedData>;

export type SiteEnvironmentEvent =
  | EnvironmentCloneRequested
  | EnvironmentCloned
  | EnvironmentCloneFailed
  | EnvironmentDeletionRequested
  | EnvironmentDeleted
  | EnvironmentDeletionFailed;
