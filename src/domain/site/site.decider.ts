import { DomainError, NotFound, RuleViolation } from '../common/domain-error';
import { Decider } from '../common/domain-event';
import {
  DEFAULT_PHP_VERSION,
  parseDisplayName,
  parseDomain,
  parseEmail,
  parseEnvironmentName,
  parsePhpVersion,
  parseSlug,
  PhpVersion,
  slugify,
} from '../common/value-objects';
import { canHostNewSites } from '../node/node-status';
import {
  canTransition,
  nextState,
  SiteLifecycleState,
  SiteOperation,
  SiteTransition,
  transitionRefused,
} from './site-lifecycle.state-machine';
import { CreateSite, RequestDeploy, SiteCommand } from './site.commands';
import { DeploySource, OperationError, PRODUCTION_ENVIRONMENT, SiteEvent } from './site.events';
import { SITE_RULES } from './site.rules';

export interface SiteEnvironmentState {
  readonly name: string;
  readonly envSlug: string;
  readonly nodeId: string;
  readonly domains: readonly string[];
  readonly phpVersion: PhpVersion;
  readonly currentReleaseId: string | null;
}

export interface SiteDeployment {
  readonly deploymentId: string;
  readonly environment: string;
  readonly source: DeploySource;
}

export interface SiteState {
  readonly exists: boolean;
  readonly id: string | null;
  readonly name: string | null;
  readonly slug: string | null;
  readonly state: SiteLifecycleState | null;
  /** The operation most recently started; what `retry` re-runs after a failure. */
  readonly lastOperation: SiteOperation | null;
  readonly lastError: OperationError | null;
  readonly environments: Readonly<Record<string, SiteEnvironmentState>>;
  /** The deployment currently running (DEPLOYING), else null. */
  readonly pendingDeploymentId: string | null;
  /** The most recent deployment requested; a deploy retry re-runs it. */
  readonly lastDeployment: SiteDeployment | null;
}

export const initialSiteState: SiteState = {
  exists: false,
  id: null,
  name: null,
  slug: null,
  state: null,
  lastOperation: null,
  lastError: null,
  environments: {},
  pendingDeploymentId: null,
  lastDeployment: null,
};

/** Throws the table's error (with `rule` as its name) unless `transition` is allowed now. */
function requireTransition(site: SiteState, transition: SiteTransition, rule?: string): void {
  const from = site.state as SiteLifecycleState;
  if (!canTransition(from, transition)) throw transitionRefused(from, transition, rule);
}

function createSite(cmd: CreateSite, site: SiteState): SiteEvent[] {
  if (site.exists) {
    throw new DomainError('DUPLICATE', `Site ${cmd.siteId} already exists`, { siteId: cmd.siteId }, SITE_RULES.idMustBeUnique);
  }
  const name = parseDisplayName(cmd.name);
  const slug = cmd.slug === undefined ? slugify(name) : parseSlug(cmd.slug);
  const primaryDomain = parseDomain(cmd.domain);
  const adminEmail = parseEmail(cmd.adminEmail, 'adminEmail');
  const phpVersion = cmd.phpVersion === undefined ? DEFAULT_PHP_VERSION : parsePhpVersion(cmd.phpVersion);
  // Rule site-requires-existing-node.
  if (!cmd.node || cmd.node.id !== cmd.nodeId) throw new NotFound('node', cmd.nodeId);
  if (!canHostNewSites(cmd.node.status)) {
    throw new RuleViolation(
      SITE_RULES.cannotBeCreatedOnUnusableNode,
      'NODE_NOT_READY',
      `Node ${cmd.nodeId} is ${cmd.node.status} and cannot host new sites`,
      { nodeId: cmd.nodeId, nodeStatus: cmd.node.status },
    );
  }
  const environment = {
    name: PRODUCTION_ENVIRONMENT,
    envSlug: slug,
    nodeId: cmd.nodeId,
    domains: [primaryDomain],
    phpVersion,
  };
  return [
    {
      type: 'SiteCreated',
      data: { siteId: cmd.siteId, name, slug, nodeId: cmd.nodeId, primaryDomain, adminEmail, phpVersion, environment },
    },
  ];
}

function requestDeploy(cmd: RequestDeploy, site: SiteState, siteId: string): SiteEvent[] {
  // A repeat of the request that started the running deploy is a no-op, not SITE_BUSY.
  if (site.state === 'DEPLOYING' && site.pendingDeploymentId === cmd.deploymentId) return [];
  requireTransition(site, 'deploy.requested', SITE_RULES.cannotDeployUnlessActive);
  const environment = parseEnvironmentName(cmd.environment);
  // Rule deploy-requires-existing-environment.
  if (!site.environments[environment]) throw new NotFound('environment', `${siteId}/${environment}`);
  return [
    { type: 'DeployRequested', data: { siteId, environment, deploymentId: cmd.deploymentId, source: cmd.source } },
  ];
}

/*
 * Completion and failure reports come from an at-least-once job runner: a report for an operation
 * that is not (or no longer) running is a duplicate or stale, so it yields no events instead of an error.
 */
function decide(cmd: SiteCommand, site: SiteState): SiteEvent[] {
  if (cmd.type === 'CreateSite') return createSite(cmd, site);
  if (!site.exists) throw new NotFound('site', cmd.siteId);
  const siteId = site.id as string;

  switch (cmd.type) {
    case 'CompleteSiteProvisioning':
      if (site.state !== 'PROVISIONING') return [];
      return [
        {
          type: 'SiteProvisioned',
          data: { siteId, environment: PRODUCTION_ENVIRONMENT, releaseId: cmd.releaseId ?? null },
        },
      ];
    case 'FailSiteProvisioning':
      if (site.state !== 'PROVISIONING') return [];
      return [{ type: 'SiteProvisioningFailed', data: { siteId, error: cmd.error } }];

    case 'RequestDeploy':
      return requestDeploy(cmd, site, siteId);
    case 'CompleteDeploy': {
      const running = site.lastDeployment;
      if (site.state !== 'DEPLOYING' || site.pendingDeploymentId !== cmd.deploymentId || !running) return [];
      return [
        {
          type: 'DeploySucceeded',
          data: { siteId, environment: running.environment, deploymentId: cmd.deploymentId, releaseId: cmd.releaseId },
        },
      ];
    }
    case 'FailDeploy': {
      const running = site.lastDeployment;
      if (site.state !== 'DEPLOYING' || site.pendingDeploymentId !== cmd.deploymentId || !running) return [];
      return [
        {
          type: 'DeployFailed',
          data: {
            siteId,
            environment: running.environment,
            deploymentId: cmd.deploymentId,
            error: cmd.error,
            rolledBack: cmd.rolledBack,
          },
        },
      ];
    }

    case 'RequestSiteReset':
      requireTransition(site, 'reset.requested', SITE_RULES.canBeResetOnlyWhenFailed);
      return [
        { type: 'SiteResetRequested', data: cmd.reason === undefined ? { siteId } : { siteId, reason: cmd.reason } },
      ];
    case 'CompleteSiteReset':
      if (site.state !== 'RESETTING') return [];
      return [{ type: 'SiteResetSucceeded', data: { siteId } }];
    case 'FailSiteReset':
      if (site.state !== 'RESETTING') return [];
      return [{ type: 'SiteResetFailed', data: { siteId, error: cmd.error } }];

    case 'RequestSiteRetry': {
      requireTransition(site, 'retry.requested', SITE_RULES.canBeRetriedOnlyWhenFailed);
      const operation = site.lastOperation as SiteOperation;
      nextState('FAILED', 'retry.requested', operation); // the table must know how to re-enter it
      const deploymentId = operation === 'deploy' ? site.lastDeployment?.deploymentId : undefined;
      return [
        { type: 'SiteRetryRequested', data: deploymentId ? { siteId, operation, deploymentId } : { siteId, operation } },
      ];
    }

    case 'RequestSiteDeletion':
      requireTransition(site, 'delete.requested', SITE_RULES.canBeDeletedOnlyWhenActiveOrFailed);
      return [{ type: 'SiteDeletionRequested', data: { siteId, environments: Object.keys(site.environments) } }];
    case 'CompleteSiteDeletion':
      if (site.state !== 'DELETING') return [];
      return [{ type: 'SiteDeleted', data: { siteId, environments: Object.keys(site.environments) } }];
    case 'FailSiteDeletion':
      if (site.state !== 'DELETING') return [];
      return [{ type: 'SiteDeletionFailed', data: { siteId, error: cmd.error } }];
  }
}

function move(site: SiteState, transition: SiteTransition, retryOf?: SiteOperation): SiteLifecycleState {
  return nextState(site.state as SiteLifecycleState, transition, retryOf);
}

function succeeded(site: SiteState, transition: SiteTransition): SiteState {
  return { ...site, state: move(site, transition), lastError: null };
}

function failed(site: SiteState, transition: SiteTransition, error: OperationError): SiteState {
  return { ...site, state: move(site, transition), lastError: error };
}

function withRelease(site: SiteState, environment: string, releaseId: string | null): SiteState {
  const env = site.environments[environment];
  if (!env) return site;
  return { ...site, environments: { ...site.environments, [environment]: { ...env, currentReleaseId: releaseId } } };
}

/** evolve goes through the lifecycle table too, so a history the table forbids cannot be folded. */
function evolve(site: SiteState, event: SiteEvent): SiteState {
  switch (event.type) {
    case 'SiteCreated': {
      const { siteId, name, slug, environment } = event.data;
      return {
        ...initialSiteState,
        exists: true,
        id: siteId,
        name,
        slug,
        state: 'PROVISIONING',
        lastOperation: 'provision',
        environments: { [environment.name]: { ...environment, currentReleaseId: null } },
      };
    }
    case 'SiteProvisioned':
      return withRelease(succeeded(site, 'provision.succeeded'), event.data.environment, event.data.releaseId);
    case 'SiteProvisioningFailed':
      return failed(site, 'provision.failed', event.data.error);
    case 'DeployRequested': {
      const { deploymentId, environment, source } = event.data;
      return {
        ...site,
        state: move(site, 'deploy.requested'),
        lastOperation: 'deploy',
        pendingDeploymentId: deploymentId,
        lastDeployment: { deploymentId, environment, source },
      };
    }
    case 'DeploySucceeded':
      return withRelease(
        { ...succeeded(site, 'deploy.succeeded'), pendingDeploymentId: null },
        event.data.environment,
        event.data.releaseId,
      );
    case 'DeployFailed': {
      const transition = event.data.rolledBack ? 'deploy.rolled-back' : 'deploy.failed';
      return { ...failed(site, transition, event.data.error), pendingDeploymentId: null };
    }
    case 'SiteResetRequested':
      return { ...site, state: move(site, 'reset.requested'), lastOperation: 'reset' };
    case 'SiteResetSucceeded':
      return succeeded(site, 'reset.succeeded');
    case 'SiteResetFailed':
      return failed(site, 'reset.failed', event.data.error);
    case 'SiteRetryRequested': {
      const { operation, deploymentId } = event.data;
      const state = move(site, 'retry.requested', operation);
      return { ...site, state, pendingDeploymentId: operation === 'deploy' ? (deploymentId ?? null) : null };
    }
    case 'SiteDeletionRequested':
      return { ...site, state: move(site, 'delete.requested'), lastOperation: 'delete' };
    case 'SiteDeleted':
      return succeeded(site, 'delete.succeeded');
    case 'SiteDeletionFailed':
      return failed(site, 'delete.failed', event.data.error);
  }
}

export const siteDecider: Decider<SiteState, SiteCommand, SiteEvent> = {
  initialState: initialSiteState,
  decide: (command, state) => decide(command, state),
  evolve,
};
