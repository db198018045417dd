import { DeploySource, OperationError } from './site.events';

/** Commands of the Site aggregate. Each carries `siteId` so a handler knows which stream to load. */

/** The node as the handler looked it up (null when there is no such node). */
export interface NodeLookup {
  readonly id: string;
  readonly status: string;
}

export interface CreateSite {
  readonly type: 'CreateSite';
  readonly siteId: string;
  readonly name: string;
  /** Derived from `name` when absent. */
  readonly slug?: string;
  readonly nodeId: string;
  readonly domain: string;
  readonly adminEmail: string;
  /** Defaults to DEFAULT_PHP_VERSION. */
  readonly phpVersion?: string;
  readonly node: NodeLookup | null;
}
export interface CompleteSiteProvisioning {
  readonly type: 'CompleteSiteProvisioning';
  readonly siteId: string;
  readonly releaseId?: string | null;
}
export interface FailSiteProvisioning {
  readonly type: 'FailSiteProvisioning';
  readonly siteId: string;
  readonly error: OperationError;
}
export interface RequestDeploy {
  readonly type: 'RequestDeploy';
  readonly siteId: string;
  readonly deploymentId: string;
  readonly environment: string;
  readonly source: DeploySource;
}
export interface CompleteDeploy {
  readonly type: 'CompleteDeploy';
  readonly siteId: string;
  readonly deploymentId: string;
  readonly releaseId: string;
}
export interface FailDeploy {
  readonly type: 'FailDeploy';
  readonly siteId: string;
  readonly deploymentId: string;
  readonly error: OperationError;
  readonly rolledBack: boolean;
}
export interface RequestSiteReset {
  readonly type: 'RequestSiteReset';
  readonly siteId: string;
  readonly reason?: string;
}
export interface CompleteSiteReset {
  readonly type: 'CompleteSiteReset';
  readonly siteId: string;
}
export interface FailSiteReset {
  readonly type: 'FailSiteReset';
  readonly siteId: string;
  readonly error: OperationError;
}
export interface RequestSiteRetry {
  readonly type: 'RequestSiteRetry';
  readonly siteId: string;
}
export interface RequestSiteDeletion {
  readonly type: 'RequestSiteDeletion';
  readonly siteId: string;
}
export interface CompleteSiteDeletion {
  readonly type: 'CompleteSiteDeletion';
  readonly siteId: string;
}
export interface FailSiteDeletion {
  readonly type: 'FailSiteDeletion';
  readonly siteId: string;
  readonly error: OperationError;
}

export type SiteCommand =
  | CreateSite
  | CompleteSiteProvisioning
  | FailSiteProvisioning
  | RequestDeploy
  | CompleteDeploy
  | FailDeploy
  | RequestSiteReset
  | CompleteSiteReset
  | FailSiteReset
  | RequestSiteRetry
  | RequestSiteDeletion
  | CompleteSiteDeletion
  | FailSiteDeletion;

export type SiteCommandType = SiteCommand['type'];
