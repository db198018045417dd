import { DomainError, NotFound, RuleViolation } from '../common/domain-error';
import { parseDomain, parseEnvironmentName, PhpVersion } from '../common/value-objects';
import { requireEnvSlugFitsNode } from './environment-slug';
import { canTransition, SiteLifecycleState, transitionRefused } from './site-lifecycle.state-machine';
import type { SiteBackup } from './site-backups';
import type {
  CompleteEnvironmentClone,
  CompleteEnvironmentDeletion,
  FailEnvironmentClone,
  FailEnvironmentDeletion,
  RequestEnvironmentClone,
  RequestEnvironmentDeletion,
} from './site.commands';
import { PRODUCTION_ENVIRONMENT, SiteEvent } from './site.events';
import { SITE_RULES } from './site.rules';

/*
 * Decide functions of environments made and removed after the site was created (docs/operations.md,
 * "Staging clones"), called by the site decider: a clone of an environment on its node, and the
 * deletion of a non-production environment on its own.
 */

/**
 * Where an environment is in its own life: provisioning/cloning while it is made, active once it
 * serves, deleting while it is removed, failed when its provisioning, clone or deletion failed.
 */
export type EnvironmentStatus = 'provisioning' | 'cloning' | 'active' | 'deleting' | 'failed';

export interface SiteClone {
  readonly cloneId: string;
  readonly environment: string;
  readonly sourceEnvironment: string;
}

export interface SiteEnvironmentDeletion {
  readonly environmentDeletionId: string;
  readonly environment: string;
}

/** The part of the site state these functions read. */
export interface EnvironmentsSiteView {
  readonly state: SiteLifecycleState | null;
  readonly slug: string | null;
  readonly environments: Readonly<
    Record<string, { readonly envSlug: string; readonly nodeId: string; readonly domains: readonly string[]; readonly phpVersion: PhpVersion; readonly status: EnvironmentStatus }>
  >;
  readonly backups: Readonly<Record<string, SiteBackup>>;
  readonly lastClone: SiteClone | null;
  readonly lastEnvironmentDeletion: SiteEnvironmentDeletion | null;
}

function requireTransitionFrom(site: EnvironmentsSiteView, transition: 'clone.requested' | 'environment-delete.requested', rule: string): void {
  const from = site.state as SiteLifecycleState;
  if (!canTransition(from, transition)) throw transitionRefused(from, transition, rule);
}

/** The environment slug of a new environment: `<site slug>-<name>` (its Linux user s-<slug>-<name>). */
export function cloneEnvSlug(siteSlug: string, name: string): string {
  return requireEnvSlugFitsNode(`${siteSlug}-${name}`);
}

/**
 * ACTIVE → CLONING: a new environment `name` on the source's node, with its own isolation, served at
 * `domain`. The same request again while it runs is a no-op. Domains of other sites are checked by
 * the handler (read model); the decider checks the site's own.
 */
export function requestEnvironmentClone(cmd: RequestEnvironmentClone, site: EnvironmentsSiteView, siteId: string): SiteEvent[] {
  if (site.state === 'CLONING' && site.lastClone?.cloneId === cmd.cloneId) return [];
  requireTransitionFrom(site, 'clone.requested', SITE_RULES.canBeClonedOnlyWhenActive);
  const name = parseEnvironmentName(cmd.name, 'name');
  const sourceName = parseEnvironmentName(cmd.sourceEnvironment, 'sourceEnvironment');
  const source = site.environments[sourceName];
  if (!source) throw new NotFound('environment', `${siteId}/${sourceName}`);
  if (source.status !== 'active') {
    throw new RuleViolation(SITE_RULES.cloneNeedsActiveSource, 'ENVIRONMENT_NOT_ACTIVE', `Environment ${sourceName} is ${source.status}; only an active environment can be cloned`, {
      environment: sourceName,
      status: source.status,
    });
  }
  if (site.environments[name]) {
    throw new RuleViolation(SITE_RULES.environmentNameMustBeUnique, 'ENVIRONMENT_EXISTS', `Site ${siteId} already has an environment ${name}`, { field: 'name', environment: name });
  }
  if (cmd.nodeId !== undefined && cmd.nodeId !== source.nodeId) {
    throw new RuleViolation(
      SITE_RULES.cloneStaysOnSourceNode,
      'CLONE_ACROSS_NODES_UNSUPPORTED',
      `A clone is made on the node of ${sourceName} (${source.nodeId}); cloning to node ${cmd.nodeId} is not supported yet`,
      { field: 'nodeId', nodeId: cmd.nodeId, sourceNodeId: source.nodeId },
    );
  }
  const domain = parseDomain(cmd.domain, 'domain');
  const servedBy = Object.entries(site.environments).find(([, env]) => env.domains.includes(domain));
  if (servedBy) {
    throw new DomainError('DUPLICATE', `domain "${domain}" is already served by environment ${servedBy[0]}`, { field: 'domain', environment: servedBy[0] }, SITE_RULES.domainServedOnce);
  }
  const envSlug = cloneEnvSlug(site.slug as string, name);
  return [
    {
      type: 'EnvironmentCloneRequested',
      data: { siteId, cloneId: cmd.cloneId, environment: name, envSlug, sourceEnvironment: sourceName, nodeId: source.nodeId, domains: [domain], phpVersion: source.phpVersion },
    },
  ];
}

function runningClone(site: EnvironmentsSiteView, cloneId: string): SiteClone | null {
  return site.state === 'CLONING' && site.lastClone?.cloneId === cloneId ? site.lastClone : null;
}

export function completeEnvironmentClone(cmd: CompleteEnvironmentClone, site: EnvironmentsSiteView, siteId: string): SiteEvent[] {
  const clone = runningClone(site, cmd.cloneId);
  if (!clone) return [];
  const { cloneId, environment, sourceEnvironment } = clone;
  return [{ type: 'EnvironmentCloned', data: { siteId, cloneId, environment, sourceEnvironment, releaseId: cmd.releaseId, baseline: cmd.baseline } }];
}

export function failEnvironmentClone(cmd: FailEnvironmentClone, site: EnvironmentsSiteView, siteId: string): SiteEvent[] {
  const clone = runningClone(site, cmd.cloneId);
  if (!clone) return [];
  return [{ type: 'EnvironmentCloneFailed', data: { siteId, cloneId: clone.cloneId, environment: clone.environment, error: cmd.error } }];
}

/**
 * ACTIVE → DELETING_ENVIRONMENT: one non-production environment removed from its node (user, pool,
 * database, vhost, files); production goes only with its site. Waits for a running backup of it.
 */
export function requestEnvironmentDeletion(cmd: RequestEnvironmentDeletion, site: EnvironmentsSiteView, siteId: string): SiteEvent[] {
  if (site.state === 'DELETING_ENVIRONMENT' && site.lastEnvironmentDeletion?.environmentDeletionId === cmd.environmentDeletionId) return [];
  const environment = parseEnvironmentName(cmd.environment);
  if (!site.environments[environment]) throw new NotFound('environment', `${siteId}/${environment}`);
  if (environment === PRODUCTION_ENVIRONMENT) {
    throw new RuleViolation(SITE_RULES.productionGoesWithItsSite, 'PRODUCTION_NOT_DELETABLE', 'The production environment is deleted only with its site', { environment });
  }
  requireTransitionFrom(site, 'environment-delete.requested', SITE_RULES.environmentDeletedOnlyWhenActive);
  const running = Object.values(site.backups).find((b) => b.state === 'running' && b.environment === environment);
  if (running) {
    throw new RuleViolation(SITE_RULES.oneBackupAtATime, 'BACKUP_RUNNING', `Backup ${running.backupId} of ${environment} is still running; the deletion waits until it finishes`, {
      backupId: running.backupId,
    });
  }
  return [{ type: 'EnvironmentDeletionRequested', data: { siteId, environmentDeletionId: cmd.environmentDeletionId, environment } }];
}

/**
 * Every backup recorded for one environment, in any state: they go with it when it is deleted (the
 * node's copies with its files, the restic snapshots forgotten by the deletion's run).
 */
export function environmentBackupIds(site: Pick<EnvironmentsSiteView, 'backups'>, environment: string): string[] {
  return Object.values(site.backups)
    .filter((b) => b.environment === environment)
    .map((b) => b.backupId);
}

function runningEnvironmentDeletion(site: EnvironmentsSiteView, id: string): SiteEnvironmentDeletion | null {
  return site.state === 'DELETING_ENVIRONMENT' && site.lastEnvironmentDeletion?.environmentDeletionId === id ? site.lastEnvironmentDeletion : null;
}

export function completeEnvironmentDeletion(cmd: CompleteEnvironmentDeletion, site: EnvironmentsSiteView, siteId: string): SiteEvent[] {
  const deletion = runningEnvironmentDeletion(site, cmd.environmentDeletionId);
  if (!deletion) return [];
  const removedBackupIds = environmentBackupIds(site, deletion.environment);
  return [{ type: 'EnvironmentDeleted', data: { siteId, environmentDeletionId: deletion.environmentDeletionId, environment: deletion.environment, removedBackupIds } }];
}

export function failEnvironmentDeletion(cmd: FailEnvironmentDeletion, site: EnvironmentsSiteView, siteId: string): SiteEvent[] {
  const deletion = runningEnvironmentDeletion(site, cmd.environmentDeletionId);
  if (!deletion) return [];
  return [
    { type: 'EnvironmentDeletionFailed', data: { siteId, environmentDeletionId: deletion.environmentDeletionId, environment: deletion.environment, error: cmd.error } },
  ];
}
