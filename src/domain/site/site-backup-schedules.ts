import { DecideContext } from '../common/domain-event';
import { DomainError, NotFound, RuleViolation } from '../common/domain-error';
import { parseEnvironmentName } from '../common/value-objects';
import { backupsToPrune } from './backup-retention';
import { BackupScheduleSpec, parseCronShape, parseRetention, parseTimeZone, RetentionPolicy, sameSchedule } from './backup-schedule';
import type { BackupDeletionReason, SiteBackupScheduleEvent } from './site-backup-schedule.events';
import type {
  CompleteBackupDeletion,
  FailBackupDeletion,
  RemoveBackupSchedule,
  RequestBackupDeletion,
  RetryBackupDeletion,
  RequestScheduledBackup,
  SetBackupSchedule,
} from './site-backup-schedule.commands';
import type { BackupCompleted, BackupRequested, BackupScope, SiteBackupEvent } from './site-backup.events';
import { parseBackupScope, requestBackup, SiteBackup, SiteRestore } from './site-backups';
import type { SiteLifecycleState } from './site-lifecycle.state-machine';
import { SITE_RULES } from './site.rules';

/*
 * Decide functions of backup schedules, retention and backup deletion (docs/backups.md, "Schedules
 * and retention"), called by the site decider. A schedule changes no lifecycle state; the scheduler
 * asks for a backup per due time, the domain refuses a due time it already requested (exactly once,
 * whatever the scheduler's restarts and races), and retention is decided when a scheduled backup completes.
 */

export interface SiteBackupSchedule extends BackupScheduleSpec {
  readonly effectiveFrom: string;
  /** The newest due time a backup was requested for (null: none yet). */
  readonly lastDueAt: string | null;
}

export interface SiteBackupDeletion {
  readonly deletionId: string;
  readonly environment: string;
  /** The backups still to be deleted. */
  readonly backupIds: readonly string[];
  readonly reason: BackupDeletionReason;
}

/** The part of the site state these functions read. */
export interface ScheduleSiteView {
  readonly state: SiteLifecycleState | null;
  readonly environments: Readonly<Record<string, unknown>>;
  readonly backups: Readonly<Record<string, SiteBackup>>;
  readonly lastRestore: SiteRestore | null;
  readonly backupSchedules: Readonly<Record<string, SiteBackupSchedule>>;
  readonly backupDeletions: Readonly<Record<string, SiteBackupDeletion>>;
}

/** At most this many missed due times are named in BackupScheduleMissed (the count is always exact). */
export const MISSED_LISTED = 20;

function environmentName(site: ScheduleSiteView, siteId: string, name: string): string {
  const environment = parseEnvironmentName(name);
  if (!site.environments[environment]) throw new NotFound('environment', `${siteId}/${environment}`);
  return environment;
}

function requireLiveSite(site: ScheduleSiteView, what: string): void {
  if (site.state === 'DELETING' || site.state === 'DELETED') {
    throw new RuleViolation(SITE_RULES.backupsChangeOnlyOnLiveSite, 'INVALID_STATE_TRANSITION', `Site is ${site.state}; ${what} is not possible any more`, { from: site.state });
  }
}

export function setBackupSchedule(cmd: SetBackupSchedule, site: ScheduleSiteView, siteId: string, ctx: DecideContext): SiteBackupScheduleEvent[] {
  requireLiveSite(site, 'a backup schedule');
  const environment = environmentName(site, siteId, cmd.environment);
  const spec: BackupScheduleSpec = {
    cron: parseCronShape(cmd.cron, cmd.cronProblem),
    timeZone: parseTimeZone(cmd.timeZone),
    scope: parseBackupScope(cmd.scope ?? 'full'),
    retention: parseRetention(cmd.retention),
  };
  const current = site.backupSchedules[environment];
  if (current && sameSchedule(current, spec)) return []; // PUT of what is there
  return [{ type: 'BackupScheduleSet', data: { siteId, environment, ...spec, retention: { ...spec.retention }, effectiveFrom: ctx.now } }];
}

export function removeBackupSchedule(cmd: RemoveBackupSchedule, site: ScheduleSiteView, siteId: string): SiteBackupScheduleEvent[] {
  const environment = environmentName(site, siteId, cmd.environment);
  if (!site.backupSchedules[environment]) {
    throw new DomainError('BACKUP_SCHEDULE_NOT_FOUND', `Environment ${environment} of site ${siteId} has no backup schedule`, { siteId, environment });
  }
  return [{ type: 'BackupScheduleRemoved', data: { siteId, environment } }];
}

/**
 * One backup for the newest due time; the earlier ones since the last request are recorded as missed.
 * A due time at or before the last one requested (a second tick, a restarted scheduler) yields nothing.
 * While the site is not ACTIVE or a backup runs, the decider refuses as for any backup: the due time
 * stays pending and is caught up by a later tick.
 */
export function requestScheduledBackup(cmd: RequestScheduledBackup, site: ScheduleSiteView, siteId: string, ctx: DecideContext): SiteBackupEvent[] | SiteBackupScheduleEvent[] {
  const environment = parseEnvironmentName(cmd.environment);
  const schedule = site.backupSchedules[environment];
  if (!schedule) return []; // removed since the scheduler read it
  if (cmd.dueAt <= schedule.effectiveFrom || (schedule.lastDueAt !== null && cmd.dueAt <= schedule.lastDueAt)) return [];
  if (site.backups[cmd.backupId]) return [];
  const [requested] = requestBackup({ type: 'RequestBackup', siteId, backupId: cmd.backupId, environment, scope: schedule.scope }, site, siteId) as BackupRequested[];
  const missed = cmd.missed.filter((t) => t > (schedule.lastDueAt ?? schedule.effectiveFrom) && t < cmd.dueAt).slice(0, MISSED_LISTED);
  const missedCount = Math.max(cmd.missedCount, missed.length);
  const scheduled: BackupRequested = {
    type: 'BackupRequested',
    data: { ...requested.data, purpose: 'scheduled', scheduledFor: cmd.dueAt, requestedAt: ctx.now },
  };
  const events: (SiteBackupEvent | SiteBackupScheduleEvent)[] = [];
  if (missedCount > 0) events.push({ type: 'BackupScheduleMissed', data: { siteId, environment, missedCount, missed, caughtUpDueAt: cmd.dueAt } });
  events.push(scheduled);
  return events as SiteBackupEvent[];
}

/** Backups a running restore reads or writes. */
function inUseByRestore(site: ScheduleSiteView): Set<string> {
  const r = site.state === 'RESTORING' ? site.lastRestore : null;
  return new Set(r ? [r.backupId, r.preRestoreBackupId] : []);
}

/** After a scheduled backup completed: what the environment's retention lets go, as one deletion (or nothing). */
export function retentionAfter(completed: BackupCompleted, site: ScheduleSiteView, ctx: DecideContext): SiteBackupScheduleEvent[] {
  const { siteId, environment, backupId } = completed.data;
  const schedule = site.backupSchedules[environment];
  if (completed.data.purpose !== 'scheduled' || !schedule) return [];
  const busy = inUseByRestore(site);
  const candidates = Object.values(site.backups)
    .filter((b) => b.environment === environment && !b.deleting && !busy.has(b.backupId) && b.backupId !== backupId)
    .map((b) => ({ id: b.backupId, takenAt: b.takenAt ?? '', state: b.state, purpose: b.purpose }));
  const self = site.backups[backupId];
  candidates.push({ id: backupId, takenAt: self?.takenAt ?? ctx.now, state: 'completed', purpose: 'scheduled' });
  const backupIds = backupsToPrune(candidates, schedule.retention, schedule.timeZone).filter((id) => id !== backupId);
  if (backupIds.length === 0) return [];
  return [{ type: 'BackupDeletionRequested', data: { siteId, environment, deletionId: ctx.newId(), backupIds, reason: 'retention', afterBackupId: backupId } }];
}

export function requestBackupDeletion(cmd: RequestBackupDeletion, site: ScheduleSiteView, siteId: string): SiteBackupScheduleEvent[] {
  const pending = site.backupDeletions[cmd.deletionId];
  if (pending) return []; // a repeat of the request that queued it
  requireLiveSite(site, 'deleting a backup');
  const named = cmd.environment === undefined ? null : environmentName(site, siteId, cmd.environment);
  const backup = site.backups[cmd.backupId];
  if (!backup || (named !== null && backup.environment !== named)) {
    const where = named === null ? `Site ${siteId}` : `Environment ${named}`;
    throw new RuleViolation(SITE_RULES.backupInUseCannotBeDeleted, 'BACKUP_NOT_FOUND', `${where} has no backup ${cmd.backupId}`, { environment: named, backupId: cmd.backupId });
  }
  assertDeletable(backup, site);
  return [
    {
      type: 'BackupDeletionRequested',
      data: { siteId, environment: backup.environment, deletionId: cmd.deletionId, backupIds: [backup.backupId], reason: 'operator', afterBackupId: null },
    },
  ];
}

/** SITE_RULES.backupInUseCannotBeDeleted */
function assertDeletable(backup: SiteBackup, site: ScheduleSiteView): void {
  const inUse = (why: string) =>
    new RuleViolation(SITE_RULES.backupInUseCannotBeDeleted, 'BACKUP_IN_USE', `Backup ${backup.backupId} ${why}; it cannot be deleted now`, { backupId: backup.backupId, reason: why });
  // a final backup lives outside the environment's backups (deleted-site-backups/) and has its own retention
  if (backup.purpose === 'final') throw inUse('is the final backup of a deletion, kept for PRESSLUFT_DELETED_SITE_BACKUP_DAYS');
  if (backup.state === 'running') throw inUse('is still running');
  if (backup.deleting) throw inUse('is already being deleted');
  if (inUseByRestore(site).has(backup.backupId)) throw inUse('is used by the restore in progress');
}

/**
 * A failed deletion asked for again: the backups it named that are still listed (a part may have gone
 * before the failure), under a new deletion id and the same reason. Nothing left to delete is no retry.
 */
export function retryBackupDeletion(cmd: RetryBackupDeletion, site: ScheduleSiteView, siteId: string): SiteBackupScheduleEvent[] {
  if (site.backupDeletions[cmd.deletionId]) return []; // a repeat of the retry that queued it
  requireLiveSite(site, 'deleting a backup');
  const left = cmd.backupIds.map((id) => site.backups[id]).filter((b) => b !== undefined && b.environment === cmd.environment);
  if (left.length === 0) {
    throw new RuleViolation(SITE_RULES.deletionRetryNeedsBackupsLeft, 'JOB_NOT_RETRYABLE', `every backup deletion ${cmd.failedDeletionId} named is gone already`, {
      deletionId: cmd.failedDeletionId,
    });
  }
  for (const backup of left) assertDeletable(backup, site);
  const backupIds = left.map((b) => b.backupId);
  return [{ type: 'BackupDeletionRequested', data: { siteId, environment: cmd.environment, deletionId: cmd.deletionId, backupIds, reason: cmd.reason, afterBackupId: null } }];
}

export function completeBackupDeletion(cmd: CompleteBackupDeletion, site: ScheduleSiteView, siteId: string): SiteBackupScheduleEvent[] {
  const deletion = site.backupDeletions[cmd.deletionId];
  if (!deletion) return [];
  return deletion.backupIds
    .filter((id) => site.backups[id])
    .map((backupId) => ({ type: 'BackupDeleted', data: { siteId, environment: deletion.environment, backupId, deletionId: deletion.deletionId, reason: deletion.reason } }));
}

export function failBackupDeletion(cmd: FailBackupDeletion, site: ScheduleSiteView, siteId: string): SiteBackupScheduleEvent[] {
  const deletion = site.backupDeletions[cmd.deletionId];
  if (!deletion) return [];
  return [{ type: 'BackupDeletionFailed', data: { siteId, environment: deletion.environment, deletionId: deletion.deletionId, backupIds: deletion.backupIds, error: cmd.error } }];
}

/** evolve for the schedule part of the site state. */
export function withScheduleEvent<S extends ScheduleSiteView>(site: S, event: SiteBackupScheduleEvent): S {
  switch (event.type) {
    case 'BackupScheduleSet': {
      const { environment, cron, timeZone, scope, retention, effectiveFrom } = event.data;
      const lastDueAt = site.backupSchedules[environment]?.lastDueAt ?? null;
      return { ...site, backupSchedules: { ...site.backupSchedules, [environment]: { cron, timeZone, scope, retention, effectiveFrom, lastDueAt } } };
    }
    case 'BackupScheduleRemoved': {
      const { [event.data.environment]: _removed, ...rest } = site.backupSchedules;
      return { ...site, backupSchedules: rest };
    }
    case 'BackupScheduleMissed':
      return site;
    case 'BackupDeletionRequested': {
      const { deletionId, environment, backupIds, reason } = event.data;
      const backups = { ...site.backups };
      for (const id of backupIds) if (backups[id]) backups[id] = { ...backups[id], deleting: true };
      return { ...site, backups, backupDeletions: { ...site.backupDeletions, [deletionId]: { deletionId, environment, backupIds, reason } } };
    }
    case 'BackupDeleted': {
      const { [event.data.backupId]: _gone, ...backups } = site.backups;
      const deletion = site.backupDeletions[event.data.deletionId];
      const left = deletion ? deletion.backupIds.filter((id) => id !== event.data.backupId) : [];
      const { [event.data.deletionId]: _done, ...others } = site.backupDeletions;
      return { ...site, backups, backupDeletions: deletion && left.length > 0 ? { ...others, [deletion.deletionId]: { ...deletion, backupIds: left } } : others };
    }
    case 'BackupDeletionFailed': {
      const backups = { ...site.backups };
      for (const id of event.data.backupIds) if (backups[id]) backups[id] = { ...backups[id], deleting: false };
      const { [event.data.deletionId]: _failed, ...others } = site.backupDeletions;
      return { ...site, backups, backupDeletions: others };
    }
  }
}

/** evolve of a scheduled BackupRequested: the schedule's last due time moves on. */
export function withScheduledRequest<S extends ScheduleSiteView>(site: S, event: BackupRequested): S {
  const { environment, scheduledFor } = event.data;
  const schedule = site.backupSchedules[environment];
  if (event.data.purpose !== 'scheduled' || !scheduledFor || !schedule) return site;
  return { ...site, backupSchedules: { ...site.backupSchedules, [environment]: { ...schedule, lastDueAt: scheduledFor } } };
}

export type { BackupScope, RetentionPolicy };
