import { DecideContext } from '../common/domain-event';
import { RuleViolation } from '../common/domain-error';
import { canTransition, SiteLifecycleState, transitionRefused } from './site-lifecycle.state-machine';
import type { SiteBackup } from './site-backups';
import type { AuthorizeSiteDeletion, CompleteSiteDeletion, FailSiteDeletion, RecordFinalBackup, RequestSiteDeletion } from './site.commands';
import type { PlannedFinalBackup, SiteEvent } from './site.events';
import { SITE_RULES } from './site.rules';

/*
 * Decide functions of a site deletion (docs/backups.md, "Final backups"), called by the site decider.
 * The guard of issue 10 item 6: a deletion removes nothing before a full backup of every environment,
 * taken by this deletion, succeeded; that final backup is kept outside the site's folder.
 */

export interface SiteDeletion {
  /** null for a deletion recorded before deletions took final backups (it cannot be authorized). */
  readonly deletionId: string | null;
  readonly finalBackups: readonly PlannedFinalBackup[];
  /** Set once SiteDeletionAuthorized is recorded: the job may remove from then on. */
  readonly authorized: boolean;
  readonly startedFromFailed: boolean;
}

/** The part of the site state these functions read. */
export interface DeletionSiteView {
  readonly state: SiteLifecycleState | null;
  readonly environments: Readonly<Record<string, { readonly currentReleaseId: string | null }>>;
  readonly backups: Readonly<Record<string, SiteBackup>>;
  readonly lastDeletion: SiteDeletion | null;
}

function runningBackup(site: DeletionSiteView): SiteBackup | undefined {
  return Object.values(site.backups).find((b) => b.state === 'running');
}

/** ACTIVE or FAILED → DELETING, with a final backup planned for every environment that has a release. */
export function requestSiteDeletion(_cmd: RequestSiteDeletion, site: DeletionSiteView, siteId: string, ctx: DecideContext): SiteEvent[] {
  const from = site.state as SiteLifecycleState;
  if (!canTransition(from, 'delete.requested')) throw transitionRefused(from, 'delete.requested', SITE_RULES.canBeDeletedOnlyWhenActiveOrFailed);
  const running = runningBackup(site);
  if (running) {
    throw new RuleViolation(SITE_RULES.oneBackupAtATime, 'BACKUP_RUNNING', `Backup ${running.backupId} is still running; the deletion waits until it finishes`, {
      backupId: running.backupId,
    });
  }
  const environments = Object.keys(site.environments);
  // An environment that never got a release (its provisioning failed) served nothing: nothing to keep.
  const finalBackups = environments.filter((name) => site.environments[name]!.currentReleaseId !== null).map((environment) => ({ environment, backupId: ctx.newId() }));
  return [{ type: 'SiteDeletionRequested', data: { siteId, environments, deletionId: ctx.newId(), finalBackups } }];
}

function runningDeletion(site: DeletionSiteView, deletionId: string): SiteDeletion | null {
  return site.state === 'DELETING' && site.lastDeletion?.deletionId === deletionId ? site.lastDeletion : null;
}

/** A final backup the running deletion planned, taken: BackupCompleted with purpose final. Repeats yield nothing. */
export function recordFinalBackup(cmd: RecordFinalBackup, site: DeletionSiteView, siteId: string): SiteEvent[] {
  const deletion = runningDeletion(site, cmd.deletionId);
  const planned = deletion?.finalBackups.find((b) => b.backupId === cmd.backupId);
  if (!deletion || !planned || site.backups[planned.backupId]?.state === 'completed') return [];
  return [
    {
      type: 'BackupCompleted',
      data: {
        siteId,
        environment: planned.environment,
        backupId: planned.backupId,
        scope: 'full',
        purpose: 'final',
        restoreId: null,
        deletionId: cmd.deletionId,
        ...cmd.contents,
      },
    },
  ];
}

function missing(deletionId: string, message: string, details: Record<string, unknown> = {}): RuleViolation {
  return new RuleViolation(SITE_RULES.deletionRemovesOnlyAfterFinalBackups, 'FINAL_BACKUP_MISSING', message, { deletionId, ...details });
}

/**
 * The guard: every environment with a release has a final backup of this deletion that completed,
 * else FINAL_BACKUP_MISSING and the job removes nothing.
 */
export function authorizeSiteDeletion(cmd: AuthorizeSiteDeletion, site: DeletionSiteView, siteId: string): SiteEvent[] {
  const deletion = runningDeletion(site, cmd.deletionId);
  if (!deletion) throw missing(cmd.deletionId, `Deletion ${cmd.deletionId} is not running`);
  if (deletion.authorized) return [];
  for (const [environment, env] of Object.entries(site.environments)) {
    const planned = deletion.finalBackups.find((b) => b.environment === environment);
    if (!planned && env.currentReleaseId === null) continue;
    if (!planned) throw missing(cmd.deletionId, `Deletion ${cmd.deletionId} planned no final backup of ${environment}`, { environment });
    const backup = site.backups[planned.backupId];
    if (backup?.state !== 'completed' || backup.purpose !== 'final') {
      throw missing(cmd.deletionId, `Deletion ${cmd.deletionId} may remove only after the final backup ${planned.backupId} of ${environment} succeeded`, {
        environment,
        backupId: planned.backupId,
      });
    }
  }
  return [{ type: 'SiteDeletionAuthorized', data: { siteId, deletionId: cmd.deletionId, finalBackups: deletion.finalBackups } }];
}

/** A success report without an authorized removal breaks the job contract: recorded as a failure, never as a deletion. */
export function completeSiteDeletion(_cmd: CompleteSiteDeletion, site: DeletionSiteView, siteId: string, environments: readonly string[]): SiteEvent[] {
  if (site.state !== 'DELETING') return [];
  const deletion = site.lastDeletion;
  // A deletion requested before final backups existed (deletionId null) completes under its old contract.
  if (deletion && deletion.deletionId !== null && !deletion.authorized) {
    return [
      {
        type: 'SiteDeletionFailed',
        data: {
          siteId,
          error: { code: 'FINAL_BACKUP_MISSING', message: 'the deletion reported success without an authorized removal (no final backup recorded)' },
          phase: 'post-removal',
          startedFromFailed: deletion?.startedFromFailed ?? false,
        },
      },
    ];
  }
  return [{ type: 'SiteDeleted', data: { siteId, environments } }];
}

export function failSiteDeletion(cmd: FailSiteDeletion, site: DeletionSiteView, siteId: string): SiteEvent[] {
  if (site.state !== 'DELETING') return [];
  const deletion = site.lastDeletion;
  // Before the authorization the job cannot have removed anything, whatever it reports (a deletion
  // requested before final backups existed had no authorization step: its failures stay post-removal).
  const phase = deletion?.authorized || !deletion?.deletionId ? (cmd.phase ?? 'post-removal') : 'pre-removal';
  return [{ type: 'SiteDeletionFailed', data: { siteId, error: cmd.error, phase, startedFromFailed: deletion?.startedFromFailed ?? false } }];
}
