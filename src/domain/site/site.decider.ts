import { DomainError, InvalidValue, NotFound, RuleViolation } from '../common/domain-error';
import { DecideContext, Decider } from '../common/domain-event';
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
import { transitionOfSiteEvent } from './site-event-transitions';
import { NO_RELEASES, ReleaseSet, releaseMarkedBad, releaseSwitchedTo } from './site-releases';
import { CreateSite, RecordEnvironmentHealth, RequestDeploy, RequestDomainsChange, RequestRollback, SiteCommand } from './site.commands';
import { DeploySource, EnvironmentHealthStatus, OperationError, PRODUCTION_ENVIRONMENT, SiteEvent } from './site.events';
import { ENV_SLUG_MAX_LENGTH, requireEnvSlugFitsNode } from './environment-slug';
import { SITE_RULES } from './site.rules';
import {
  authorizeRestoreOverwrite,
  completeBackup,
  completeRestore,
  failBackup,
  failRestore,
  recordPreRestoreBackup,
  requestBackup,
  requestRestore,
  retryBackup,
  SiteBackup,
  SiteRestore,
} from './site-backups';
import {
  completeBackupDeletion,
  failBackupDeletion,
  removeBackupSchedule,
  requestBackupDeletion,
  retryBackupDeletion,
  requestScheduledBackup,
  retentionAfter,
  setBackupSchedule,
  SiteBackupDeletion,
  SiteBackupSchedule,
  withScheduledRequest,
  withScheduleEvent,
} from './site-backup-schedules';
import type { BackupCompleted } from './site-backup.events';
import {
  completeEnvironmentClone,
  completeEnvironmentDeletion,
  EnvironmentStatus,
  failEnvironmentClone,
  failEnvironmentDeletion,
  requestEnvironmentClone,
  requestEnvironmentDeletion,
  SiteClone,
  SiteEnvironmentDeletion,
} from './site-environments';
import {
  authorizePromotionOverwrite,
  CloneOrigin,
  completePromotion,
  failPromotion,
  recordDriftSnapshot,
  recordHttpsSwitch,
  recordPrePromotionBackup,
  requestPromotion,
  SitePromotion,
} from './site-promotions';
import { authorizeSiteDeletion, completeSiteDeletion, failSiteDeletion, recordFinalBackup, requestSiteDeletion, SiteDeletion } from './site-deletion';

export interface SiteEnvironmentState extends ReleaseSet {
  readonly name: string;
  readonly envSlug: string;
  readonly nodeId: string;
  /** Primary domain first, then the aliases (which answer 301 to it). */
  readonly domains: readonly string[];
  readonly phpVersion: PhpVersion;
  readonly health: EnvironmentHealthStatus | 'unknown';
  /** Where the environment is in its own life (made, serving, being removed). */
  readonly status: EnvironmentStatus;
  /** Set for a clone: its source and the source's drift baseline (renewed by each promotion onto it). */
  readonly clonedFrom?: CloneOrigin | null;
}

export interface SiteRollback {
  readonly rollbackId: string;
  readonly environment: string;
  readonly targetReleaseId: string;
  readonly fromReleaseId: string;
}

export interface SiteDomainsChange {
  readonly changeId: string;
  readonly environment: string;
  readonly primary: string;
  readonly aliases: readonly string[];
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
  /** The WordPress admin's address (the install's admin_email). */
  readonly adminEmail: string | null;
  readonly state: SiteLifecycleState | null;
  /** The operation most recently started; what `retry` re-runs after a failure. */
  readonly lastOperation: SiteOperation | null;
  readonly lastError: OperationError | null;
  readonly environments: Readonly<Record<string, SiteEnvironmentState>>;
  /** The deployment currently running (DEPLOYING), else null. */
  readonly pendingDeploymentId: string | null;
  /** The most recent deployment requested; a deploy retry re-runs it. */
  readonly lastDeployment: SiteDeployment | null;
  /** The most recent manual rollback requested (running while ROLLING_BACK; a retry re-runs it). */
  readonly lastRollback: SiteRollback | null;
  /** The most recent domain change requested (running while UPDATING_DOMAINS; a retry re-runs it). */
  readonly lastDomainsChange: SiteDomainsChange | null;
  /** Every backup of every environment by id (pre-restore ones too), with its state. */
  readonly backups: Readonly<Record<string, SiteBackup>>;
  /** The most recent restore requested (running while RESTORING; a retry re-runs it). */
  readonly lastRestore: SiteRestore | null;
  /** Backup schedule per environment name (docs/backups.md, "Schedules and retention"). */
  readonly backupSchedules: Readonly<Record<string, SiteBackupSchedule>>;
  /** Backup deletions queued and not finished, by deletion id. */
  readonly backupDeletions: Readonly<Record<string, SiteBackupDeletion>>;
  /** The most recent deletion requested (running while DELETING; a retry re-runs it with the same final backups). */
  readonly lastDeletion: SiteDeletion | null;
  /** The most recent clone requested (running while CLONING; a retry re-runs it into the same environment). */
  readonly lastClone: SiteClone | null;
  /** The most recent environment deletion requested (running while DELETING_ENVIRONMENT; a retry re-runs it). */
  readonly lastEnvironmentDeletion: SiteEnvironmentDeletion | null;
  /** The most recent promotion requested (running while PROMOTING). */
  readonly lastPromotion: SitePromotion | null;
}

export const initialSiteState: SiteState = {
  exists: false,
  id: null,
  name: null,
  slug: null,
  adminEmail: null,
  state: null,
  lastOperation: null,
  lastError: null,
  environments: {},
  pendingDeploymentId: null,
  lastDeployment: null,
  lastRollback: null,
  lastDomainsChange: null,
  backups: {},
  lastRestore: null,
  backupSchedules: {},
  backupDeletions: {},
  lastDeletion: null,
  lastClone: null,
  lastEnvironmentDeletion: null,
  lastPromotion: null,
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
  const slug = requireEnvSlugFitsNode(cmd.slug === undefined ? slugify(name, ENV_SLUG_MAX_LENGTH) : parseSlug(cmd.slug));
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

function environmentOf(site: SiteState, siteId: string, name: string): SiteEnvironmentState {
  const environment = parseEnvironmentName(name);
  const env = site.environments[environment];
  if (!env) throw new NotFound('environment', `${siteId}/${environment}`);
  return env;
}

function requestRollback(cmd: RequestRollback, site: SiteState, siteId: string): SiteEvent[] {
  if (site.state === 'ROLLING_BACK' && site.lastRollback?.rollbackId === cmd.rollbackId) return [];
  requireTransition(site, 'rollback.requested', SITE_RULES.cannotRollBackUnlessActive);
  const env = environmentOf(site, siteId, cmd.environment);
  const from = env.currentReleaseId;
  const target = cmd.releaseId ?? env.previousReleaseId;
  if (!from || !target) {
    throw new RuleViolation(SITE_RULES.rollbackNeedsTarget, 'NO_ROLLBACK_TARGET', `Environment ${env.name} has no previous release to roll back to`, {
      environment: env.name,
      currentReleaseId: from,
    });
  }
  if (!env.releases.includes(target)) throw new NotFound('release', `${siteId}/${env.name}/${target}`);
  if (target === from) {
    throw new RuleViolation(SITE_RULES.rollbackNeedsTarget, 'NO_ROLLBACK_TARGET', `Release ${target} is already live`, { releaseId: target });
  }
  const force = cmd.force === true;
  if (env.badReleaseIds.includes(target) && !force) {
    throw new RuleViolation(SITE_RULES.badReleaseNeedsForce, 'RELEASE_MARKED_BAD', `Release ${target} is marked bad; roll back to it only with force`, {
      releaseId: target,
    });
  }
  return [
    {
      type: 'RollbackRequested',
      data: { siteId, environment: env.name, rollbackId: cmd.rollbackId, targetReleaseId: target, fromReleaseId: from, force },
    },
  ];
}

function requestDomainsChange(cmd: RequestDomainsChange, site: SiteState, siteId: string): SiteEvent[] {
  if (site.state === 'UPDATING_DOMAINS' && site.lastDomainsChange?.changeId === cmd.changeId) return [];
  requireTransition(site, 'domains.requested', SITE_RULES.cannotChangeDomainsUnlessActive);
  const env = environmentOf(site, siteId, cmd.environment);
  const primary = parseDomain(cmd.primary, 'primary');
  const aliases = cmd.aliases.map((a, i) => parseDomain(a, `aliases[${i}]`));
  if (new Set([primary, ...aliases]).size !== aliases.length + 1) {
    throw new InvalidValue('aliases', 'aliases must differ from the primary domain and from each other', { rule: SITE_RULES.domainsMustBeDistinct });
  }
  return [
    {
      type: 'DomainsChangeRequested',
      data: { siteId, environment: env.name, changeId: cmd.changeId, primary, aliases, previousPrimary: env.domains[0] ?? primary },
    },
  ];
}

function recordEnvironmentHealth(cmd: RecordEnvironmentHealth, site: SiteState, siteId: string): SiteEvent[] {
  if (site.state === 'DELETED') return [];
  const env = environmentOf(site, siteId, cmd.environment);
  const status: EnvironmentHealthStatus = cmd.healthy ? 'healthy' : 'unhealthy';
  if (env.health === status) return [];
  return [
    {
      type: 'EnvironmentHealthChanged',
      data: { siteId, environment: env.name, status, httpStatus: cmd.httpStatus, dbOk: cmd.dbOk, reason: cmd.reason },
    },
  ];
}

/*
 * Completion and failure reports come from an at-least-once job runner: a report for an operation
 * that is not (or no longer) running is a duplicate or stale, so it yields no events instead of an error.
 */
function decide(cmd: SiteCommand, site: SiteState, ctx: DecideContext): SiteEvent[] {
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
          data: {
            siteId,
            environment: running.environment,
            deploymentId: cmd.deploymentId,
            releaseId: cmd.releaseId,
            previousReleaseId: site.environments[running.environment]?.currentReleaseId ?? null,
          },
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
            phase: cmd.phase ?? 'post-switch',
            releaseId: cmd.releaseId ?? null,
          },
        },
      ];
    }

    case 'RequestRollback':
      return requestRollback(cmd, site, siteId);
    case 'CompleteRollback': {
      const running = site.lastRollback;
      if (site.state !== 'ROLLING_BACK' || running?.rollbackId !== cmd.rollbackId) return [];
      const { environment, rollbackId, targetReleaseId, fromReleaseId } = running;
      return [{ type: 'RollbackSucceeded', data: { siteId, environment, rollbackId, releaseId: targetReleaseId, previousReleaseId: fromReleaseId } }];
    }
    case 'FailRollback': {
      const running = site.lastRollback;
      if (site.state !== 'ROLLING_BACK' || running?.rollbackId !== cmd.rollbackId) return [];
      return [{ type: 'RollbackFailed', data: { siteId, environment: running.environment, rollbackId: cmd.rollbackId, error: cmd.error, phase: cmd.phase } }];
    }

    case 'RequestDomainsChange':
      return requestDomainsChange(cmd, site, siteId);
    case 'CompleteDomainsChange': {
      const running = site.lastDomainsChange;
      if (site.state !== 'UPDATING_DOMAINS' || running?.changeId !== cmd.changeId) return [];
      const { environment, changeId, primary, aliases } = running;
      return [{ type: 'DomainsChanged', data: { siteId, environment, changeId, primary, aliases } }];
    }
    case 'FailDomainsChange': {
      const running = site.lastDomainsChange;
      if (site.state !== 'UPDATING_DOMAINS' || running?.changeId !== cmd.changeId) return [];
      return [{ type: 'DomainsChangeFailed', data: { siteId, environment: running.environment, changeId: cmd.changeId, error: cmd.error } }];
    }

    case 'RecordEnvironmentHealth':
      return recordEnvironmentHealth(cmd, site, siteId);

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
      const rollbackId = operation === 'rollback' ? site.lastRollback?.rollbackId : undefined;
      const changeId = operation === 'domains' ? site.lastDomainsChange?.changeId : undefined;
      const clone = operation === 'clone' && site.lastClone ? { cloneId: site.lastClone.cloneId, environment: site.lastClone.environment } : {};
      const environmentDeletion =
        operation === 'environment-delete' && site.lastEnvironmentDeletion
          ? { environmentDeletionId: site.lastEnvironmentDeletion.environmentDeletionId, environment: site.lastEnvironmentDeletion.environment }
          : {};
      // A retried restore takes a fresh pre-restore backup of what is there now.
      const restore = operation === 'restore' && site.lastRestore ? { restoreId: site.lastRestore.restoreId, preRestoreBackupId: ctx.newId() } : {};
      // So does a retried promotion, of its target.
      const promotion = operation === 'promote' && site.lastPromotion ? { promotionId: site.lastPromotion.promotionId, prePromotionBackupId: ctx.newId() } : {};
      return [
        {
          type: 'SiteRetryRequested',
          data: {
            siteId,
            operation,
            ...(deploymentId ? { deploymentId } : {}),
            ...(rollbackId ? { rollbackId } : {}),
            ...(changeId ? { changeId } : {}),
            ...restore,
            ...promotion,
            ...clone,
            ...environmentDeletion,
          },
        },
      ];
    }

    case 'RequestSiteDeletion':
      return requestSiteDeletion(cmd, site, siteId, ctx);
    case 'RecordFinalBackup':
      return recordFinalBackup(cmd, site, siteId);
    case 'AuthorizeSiteDeletion':
      return authorizeSiteDeletion(cmd, site, siteId);
    case 'CompleteSiteDeletion':
      return completeSiteDeletion(cmd, site, siteId, Object.keys(site.environments));
    case 'FailSiteDeletion':
      return failSiteDeletion(cmd, site, siteId);

    case 'RequestBackup':
      return requestBackup(cmd, site, siteId);
    case 'RetryBackup':
      return retryBackup(cmd, site, siteId);
    case 'CompleteBackup': {
      const completed = completeBackup(cmd, site, siteId) as BackupCompleted[];
      return completed.length === 0 ? [] : [...completed, ...retentionAfter(completed[0], site, ctx)];
    }
    case 'FailBackup':
      return failBackup(cmd, site, siteId);
    case 'RequestRestore':
      return requestRestore(cmd, site, siteId, ctx);
    case 'RecordPreRestoreBackup':
      return recordPreRestoreBackup(cmd, site, siteId);
    case 'AuthorizeRestoreOverwrite':
      return authorizeRestoreOverwrite(cmd, site, siteId);
    case 'CompleteRestore':
      return completeRestore(cmd, site, siteId);
    case 'FailRestore':
      return failRestore(cmd, site, siteId);

    case 'RequestEnvironmentClone':
      return requestEnvironmentClone(cmd, site, siteId);
    case 'CompleteEnvironmentClone':
      return completeEnvironmentClone(cmd, site, siteId);
    case 'FailEnvironmentClone':
      return failEnvironmentClone(cmd, site, siteId);
    case 'RequestEnvironmentDeletion':
      return requestEnvironmentDeletion(cmd, site, siteId);
    case 'CompleteEnvironmentDeletion':
      return completeEnvironmentDeletion(cmd, site, siteId);
    case 'FailEnvironmentDeletion':
      return failEnvironmentDeletion(cmd, site, siteId);

    case 'RecordDriftSnapshot':
      return recordDriftSnapshot(cmd, site, siteId);
    case 'RecordHttpsSwitch':
      return recordHttpsSwitch(cmd, site, siteId);
    case 'RequestPromotion':
      return requestPromotion(cmd, site, siteId, ctx);
    case 'RecordPrePromotionBackup':
      return recordPrePromotionBackup(cmd, site, siteId);
    case 'AuthorizePromotionOverwrite':
      return authorizePromotionOverwrite(cmd, site, siteId);
    case 'CompletePromotion':
      return completePromotion(cmd, site, siteId);
    case 'FailPromotion':
      return failPromotion(cmd, site, siteId);

    case 'SetBackupSchedule':
      return setBackupSchedule(cmd, site, siteId, ctx);
    case 'RemoveBackupSchedule':
      return removeBackupSchedule(cmd, site, siteId);
    case 'RequestScheduledBackup':
      return requestScheduledBackup(cmd, site, siteId, ctx) as SiteEvent[];
    case 'RequestBackupDeletion':
      return requestBackupDeletion(cmd, site, siteId);
    case 'RetryBackupDeletion':
      return retryBackupDeletion(cmd, site, siteId);
    case 'CompleteBackupDeletion':
      return completeBackupDeletion(cmd, site, siteId);
    case 'FailBackupDeletion':
      return failBackupDeletion(cmd, site, siteId);
  }
}

function withBackup(site: SiteState, backupId: string, change: (backup: SiteBackup | undefined) => SiteBackup | undefined): SiteState {
  const backup = change(site.backups[backupId]);
  return backup ? { ...site, backups: { ...site.backups, [backupId]: backup } } : site;
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

function withEnvironment(site: SiteState, environment: string, change: (env: SiteEnvironmentState) => SiteEnvironmentState): SiteState {
  const env = site.environments[environment];
  if (!env) return site;
  return { ...site, environments: { ...site.environments, [environment]: change(env) } };
}

/** evolve goes through the lifecycle table too, so a history the table forbids cannot be folded. */
function evolve(site: SiteState, event: SiteEvent): SiteState {
  switch (event.type) {
    case 'SiteCreated': {
      const { siteId, name, slug, adminEmail, environment } = event.data;
      return {
        ...initialSiteState,
        exists: true,
        id: siteId,
        name,
        slug,
        adminEmail,
        state: 'PROVISIONING',
        lastOperation: 'provision',
        environments: {
          [environment.name]: { ...environment, ...NO_RELEASES, health: 'unknown', status: 'provisioning' },
        },
      };
    }
    case 'SiteProvisioned':
      return withEnvironment(succeeded(site, 'provision.succeeded'), event.data.environment, (env) => ({
        ...releaseSwitchedTo(env, event.data.releaseId),
        status: 'active',
      }));
    case 'SiteProvisioningFailed':
      return withEnvironment(failed(site, 'provision.failed', event.data.error), PRODUCTION_ENVIRONMENT, (env) => ({ ...env, status: 'failed' }));
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
      return withEnvironment({ ...succeeded(site, 'deploy.succeeded'), pendingDeploymentId: null }, event.data.environment, (env) =>
        releaseSwitchedTo(env, event.data.releaseId),
      );
    case 'DeployFailed': {
      const after = { ...failed(site, transitionOfSiteEvent(event)!.transition, event.data.error), pendingDeploymentId: null };
      return event.data.rolledBack ? withEnvironment(after, event.data.environment, (env) => releaseMarkedBad(env, event.data.releaseId)) : after;
    }
    case 'RollbackRequested': {
      const { rollbackId, environment, targetReleaseId, fromReleaseId } = event.data;
      return { ...site, state: move(site, 'rollback.requested'), lastOperation: 'rollback', lastRollback: { rollbackId, environment, targetReleaseId, fromReleaseId } };
    }
    case 'RollbackSucceeded':
      return withEnvironment(succeeded(site, 'rollback.succeeded'), event.data.environment, (env) => releaseSwitchedTo(env, event.data.releaseId));
    case 'RollbackFailed':
      return failed(site, transitionOfSiteEvent(event)!.transition, event.data.error);
    case 'DomainsChangeRequested': {
      const { changeId, environment, primary, aliases } = event.data;
      return { ...site, state: move(site, 'domains.requested'), lastOperation: 'domains', lastDomainsChange: { changeId, environment, primary, aliases } };
    }
    case 'DomainsChanged':
      return withEnvironment(succeeded(site, 'domains.succeeded'), event.data.environment, (env) => ({
        ...env,
        domains: [event.data.primary, ...event.data.aliases],
      }));
    case 'DomainsChangeFailed':
      return failed(site, 'domains.failed', event.data.error);
    case 'EnvironmentHealthChanged':
      return withEnvironment(site, event.data.environment, (env) => ({ ...env, health: event.data.status }));
    // A reset is a check of what is there, not an operation of its own: lastOperation stays the one that
    // failed, so a retry after a failed reset re-runs that (a site whose provisioning failed is provisioned).
    case 'SiteResetRequested':
      return { ...site, state: move(site, 'reset.requested') };
    case 'SiteResetSucceeded':
      return succeeded(site, 'reset.succeeded');
    case 'SiteResetFailed':
      return failed(site, 'reset.failed', event.data.error);
    case 'SiteRetryRequested': {
      const { operation, deploymentId, preRestoreBackupId, prePromotionBackupId } = event.data;
      const state = move(site, 'retry.requested', operation);
      const lastRestore =
        operation === 'restore' && site.lastRestore && preRestoreBackupId
          ? { ...site.lastRestore, preRestoreBackupId, overwriteAuthorized: false, startedFromFailed: true }
          : site.lastRestore;
      // A retried deletion keeps its final backups (taken again only where missing) and asks again.
      const lastDeletion = operation === 'delete' && site.lastDeletion ? { ...site.lastDeletion, authorized: false, startedFromFailed: true } : site.lastDeletion;
      const lastPromotion =
        operation === 'promote' && site.lastPromotion && prePromotionBackupId
          ? { ...site.lastPromotion, prePromotionBackupId, overwriteAuthorized: false, retried: true }
          : site.lastPromotion;
      const retried = { ...site, state, pendingDeploymentId: operation === 'deploy' ? (deploymentId ?? null) : null, lastRestore, lastDeletion, lastPromotion };
      const status = RETRY_STATUS[operation];
      const environment = event.data.environment ?? (operation === 'provision' ? PRODUCTION_ENVIRONMENT : undefined);
      return status && environment ? withEnvironment(retried, environment, (env) => ({ ...env, status })) : retried;
    }
    case 'SiteDeletionRequested':
      return {
        ...site,
        state: move(site, 'delete.requested'),
        lastOperation: 'delete',
        lastDeletion: {
          deletionId: event.data.deletionId ?? null,
          finalBackups: event.data.finalBackups ?? [],
          authorized: false,
          startedFromFailed: site.state === 'FAILED',
        },
      };
    case 'SiteDeletionAuthorized':
      return site.lastDeletion ? { ...site, lastDeletion: { ...site.lastDeletion, authorized: true } } : site;
    case 'SiteDeleted':
      return succeeded(site, 'delete.succeeded');
    case 'SiteDeletionFailed':
      return failed(site, transitionOfSiteEvent(event)!.transition, event.data.error);

    case 'BackupRequested': {
      const { backupId, environment, scope, purpose, requestedAt, scheduledFor } = event.data;
      const when = requestedAt ? { takenAt: requestedAt, ...(scheduledFor ? { scheduledFor } : {}) } : {};
      const requested = withBackup(site, backupId, () => ({ backupId, environment, scope, state: 'running', purpose: purpose ?? 'operator', ...when }));
      return withScheduledRequest(requested, event);
    }
    case 'BackupCompleted': {
      const { backupId, environment, scope, purpose } = event.data;
      return withBackup(site, backupId, (b) => ({ ...b, backupId, environment, scope, state: 'completed', purpose }));
    }
    case 'BackupFailed':
      return withBackup(site, event.data.backupId, (b) => b && { ...b, state: 'failed' });
    case 'BackupRetryRequested':
      return withBackup(site, event.data.backupId, (b) => b && { ...b, state: 'running' });
    case 'RestoreRequested': {
      const { restoreId, environment, backupId, scope, preRestoreBackupId } = event.data;
      return {
        ...site,
        state: move(site, 'restore.requested'),
        lastOperation: 'restore',
        lastRestore: { restoreId, environment, backupId, scope, preRestoreBackupId, overwriteAuthorized: false, startedFromFailed: site.state === 'FAILED' },
      };
    }
    case 'RestoreOverwriteAuthorized':
      return site.lastRestore ? { ...site, lastRestore: { ...site.lastRestore, overwriteAuthorized: true } } : site;
    case 'RestoreCompleted':
      return withEnvironment(succeeded(site, 'restore.succeeded'), event.data.environment, (env) => releaseSwitchedTo(env, event.data.releaseId));
    case 'RestoreFailed':
      return failed(site, transitionOfSiteEvent(event)!.transition, event.data.error);

    case 'BackupScheduleSet':
    case 'BackupScheduleRemoved':
    case 'BackupScheduleMissed':
    case 'BackupDeletionRequested':
    case 'BackupDeleted':
    case 'BackupDeletionFailed':
      return withScheduleEvent(site, event);

    case 'EnvironmentCloneRequested': {
      const { cloneId, environment, envSlug, sourceEnvironment, nodeId, domains, phpVersion } = event.data;
      return {
        ...site,
        state: move(site, 'clone.requested'),
        lastOperation: 'clone',
        lastClone: { cloneId, environment, sourceEnvironment },
        environments: {
          ...site.environments,
          [environment]: { name: environment, envSlug, nodeId, domains, phpVersion, ...NO_RELEASES, health: 'unknown', status: 'cloning' },
        },
      };
    }
    case 'EnvironmentCloned':
      return withEnvironment(succeeded(site, 'clone.succeeded'), event.data.environment, (env) => ({
        ...releaseSwitchedTo(env, event.data.releaseId),
        status: 'active',
        clonedFrom: { environment: event.data.sourceEnvironment, baseline: event.data.baseline },
      }));
    case 'EnvironmentCloneFailed':
      return withEnvironment(failed(site, 'clone.failed', event.data.error), event.data.environment, (env) => ({ ...env, status: 'failed' }));
    case 'EnvironmentDeletionRequested': {
      const { environmentDeletionId, environment } = event.data;
      const requested = { ...site, state: move(site, 'environment-delete.requested'), lastOperation: 'environment-delete' as const, lastEnvironmentDeletion: { environmentDeletionId, environment } };
      return withEnvironment(requested, environment, (env) => ({ ...env, status: 'deleting' }));
    }
    case 'EnvironmentDeleted': {
      const { [event.data.environment]: _gone, ...environments } = site.environments;
      const { [event.data.environment]: _schedule, ...backupSchedules } = site.backupSchedules;
      const backups = Object.fromEntries(Object.entries(site.backups).filter(([id]) => !event.data.removedBackupIds.includes(id)));
      return { ...succeeded(site, 'environment-delete.succeeded'), environments, backupSchedules, backups };
    }
    case 'EnvironmentDeletionFailed':
      return withEnvironment(failed(site, 'environment-delete.failed', event.data.error), event.data.environment, (env) => ({ ...env, status: 'failed' }));

    case 'DriftSnapshotTaken':
    case 'PromotionBlocked':
      return site;
    case 'CloneBaselineAdvanced':
      return withEnvironment(site, event.data.environment, (env) =>
        env.clonedFrom ? { ...env, clonedFrom: { ...env.clonedFrom, baseline: event.data.baseline } } : env,
      );
    case 'PromotionRequested': {
      const { promotionId, environment, target, preset, releaseId, prePromotionBackupId, extraContentTables, force } = event.data;
      return {
        ...site,
        state: move(site, 'promote.requested'),
        lastOperation: 'promote',
        lastPromotion: { promotionId, environment, target, preset, releaseId, prePromotionBackupId, extraContentTables, force, overwriteAuthorized: false, retried: false },
      };
    }
    case 'PromotionOverwriteAuthorized':
      return site.lastPromotion ? { ...site, lastPromotion: { ...site.lastPromotion, overwriteAuthorized: true } } : site;
    case 'PromotionCompleted': {
      const { environment, target, releaseId, baseline } = event.data;
      const switched = withEnvironment(succeeded(site, 'promote.succeeded'), target, (env) => releaseSwitchedTo(env, releaseId));
      return baseline ? withEnvironment(switched, environment, (env) => ({ ...env, clonedFrom: { environment: target, baseline } })) : switched;
    }
    case 'PromotionFailed':
      return failed(site, transitionOfSiteEvent(event)!.transition, event.data.error);
  }
}

/** What a retry makes of the environment its operation works on. */
const RETRY_STATUS: Partial<Record<SiteOperation, EnvironmentStatus>> = { provision: 'provisioning', clone: 'cloning', 'environment-delete': 'deleting' };

export const siteDecider: Decider<SiteState, SiteCommand, SiteEvent> = {
  initialState: initialSiteState,
  decide: (command, state, ctx) => decide(command, state, ctx),
  evolve,
};
