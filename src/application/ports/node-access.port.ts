/** Settings the node commands and job handlers need (from the environment, see docs/configuration.md). */
export abstract class NodeAccessSettings {
  /** Scan and pin the host key when a node is registered without one (off: the first job pins it). */
  abstract readonly hostKeyScan: boolean;
  /** Base directory of Pressluft's files on nodes (runs, bundles, facts.json, health.json). */
  abstract readonly remoteRoot: string;
  /** bootstrap.yml's manage_firewall. */
  abstract readonly manageFirewall: boolean;
  /** bootstrap.yml's lock_root_login (PermitRootLogin no once the management user works). */
  abstract readonly lockRootLogin: boolean;
  /** Days a deleted site's final backups stay on its node (site-backup.yml prunes older ones); 0 = kept. Default 30. */
  abstract readonly deletedSiteBackupDays?: number;
  /** TCP connect + SSH handshake timeout for host key scans, ms. */
  abstract readonly connectTimeoutMs: number;
}
