/** Stable job kind strings (stored in the jobs table and in JobQueued events: never rename one). */
export const JOB_KINDS = {
  siteProvision: 'site.provision',
  siteDeploy: 'site.deploy',
  siteReset: 'site.reset',
  siteDelete: 'site.delete',
  siteRollback: 'site.rollback',
  siteDomains: 'site.domains',
  /** A new environment copied from another one of the site on the same node (site-clone.yml). */
  siteClone: 'site.clone',
  /** One non-production environment removed on its own (site-environment-delete.yml). */
  siteEnvironmentDelete: 'site.environment-delete',
  siteHealthCheck: 'site.health-check',
  siteCertificate: 'site.certificate',
  /** Asks for an environment's certificate right after its site was provisioned or its names changed (no playbook: it records the request). */
  siteCertificateRequest: 'site.certificate-request',
  siteBackup: 'site.backup',
  siteRestore: 'site.restore',
  /** A clone's release (and by preset its tables and uploads) onto the environment it was cloned from (site-promote.yml). */
  sitePromote: 'site.promote',
  /** The drift snapshot of an environment (site-drift-snapshot.yml, read-only): what a promotion is checked against. */
  siteDriftCheck: 'site.drift-check',
  /** Removes backups from the node (retention after a scheduled backup, or `backup delete`). */
  siteBackupPrune: 'site.backup-prune',
  nodeBootstrap: 'node.bootstrap',
  nodeHealthCheck: 'node.health-check',
  /** Opens (initializes when empty) and checks a node's restic repository: after it is set, then on a schedule. */
  nodeBackupRepositoryCheck: 'node.backup-repository-check',
} as const;

export type JobKind = (typeof JOB_KINDS)[keyof typeof JOB_KINDS];

/** Jobs on one site run one at a time (backs the lifecycle state machine). */
export const siteConcurrencyKey = (siteId: string) => `site:${siteId}`;
export const nodeConcurrencyKey = (nodeId: string) => `node:${nodeId}`;
