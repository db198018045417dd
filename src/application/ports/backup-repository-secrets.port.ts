/** The secrets of a node's restic repository: sealed at rest, never in events, logs, answers or pages. */
export interface BackupRepositorySecrets {
  readonly password: string;
  /** The private key the node logs in to an sftp repository with; null for a local path. */
  readonly sftpKey: string | null;
}

/**
 * One sealed set per node, bound (AAD) to the node and the repository id it was set for, so the
 * secrets of a replaced repository can never be opened as the new one's.
 */
export abstract class BackupRepositorySecretStore {
  /** Stores (or replaces) the node's set; called in the transaction that records NodeBackupRepositorySet. */
  abstract put(nodeId: string, repositoryId: string, secrets: BackupRepositorySecrets): void;
  /** The set of that repository, or undefined when the node's repository is another one or none. */
  abstract get(nodeId: string, repositoryId: string): BackupRepositorySecrets | undefined;
  abstract remove(nodeId: string): void;
}
