import { DomainError, NotFound, RuleViolation } from '../../../src/domain/common/domain-error';
import { siteDecider } from '../../../src/domain/site/site.decider';
import type { SiteEvent } from '../../../src/domain/site/site.events';
import { SITE_RULES } from '../../../src/domain/site/site.rules';
import { given, testContext } from '../../support/decider-spec';
import { backupContents, created, env, error, provisioned, siteId } from './site-fixtures';

const contents = backupContents();
const ACTIVE = [created, provisioned];
const retention = { keepLast: 2, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 };
const scheduleSet = (over: Partial<{ cron: string; timeZone: string; scope: 'db' | 'files' | 'full'; retention: typeof retention }> = {}): SiteEvent => ({
  type: 'BackupScheduleSet',
  data: { siteId, environment: env, cron: '0 2 * * *', timeZone: 'UTC', scope: 'full', retention, effectiveFrom: '2026-03-01T00:00:00.000Z', ...over },
});
const setCommand = (over: Record<string, unknown> = {}) =>
  ({ type: 'SetBackupSchedule', siteId, environment: env, cron: '0 2 * * *', retention, cronProblem: null, ...over }) as never;
const SCHEDULED = [...ACTIVE, scheduleSet()];
const scheduledRequested = (backupId: string, dueAt: string, requestedAt = dueAt): SiteEvent => ({
  type: 'BackupRequested',
  data: { siteId, environment: env, backupId, scope: 'full', purpose: 'scheduled', scheduledFor: dueAt, requestedAt },
});
const completed = (backupId: string, purpose: 'operator' | 'scheduled' = 'scheduled'): SiteEvent => ({
  type: 'BackupCompleted',
  data: { siteId, environment: env, backupId, scope: 'full', purpose, restoreId: null, ...contents },
});
const day = (n: number) => `2026-03-${String(n).padStart(2, '0')}T02:00:00.000Z`;
const request = (backupId: string, dueAt: string, missed: string[] = []) =>
  ({ type: 'RequestScheduledBackup', siteId, environment: env, backupId, dueAt, missed, missedCount: missed.length }) as never;
const at = (now: string) => testContext(now);

describe('site decider: backup schedules', () => {
  it('given an ACTIVE site, when a schedule is set, then BackupScheduleSet with UTC and full by default, effective from now', () => {
    given(siteDecider, ACTIVE).when(setCommand(), at('2026-03-01T00:00:00.000Z')).then([scheduleSet()]);
    given(siteDecider, ACTIVE)
      .when(setCommand({ cron: ' 30  3 * * 1-5 ', timeZone: 'Europe/Berlin', scope: 'db', retention: { keepDaily: 7 } }), at('2026-03-01T00:00:00.000Z'))
      .then([scheduleSet({ cron: '30 3 * * 1-5', timeZone: 'Europe/Berlin', scope: 'db', retention: { keepLast: 0, keepDaily: 7, keepWeekly: 0, keepMonthly: 0 } })]);
  });

  it('given a schedule, when the same one is set again, then nothing; when another one is set, then it replaces it', () => {
    given(siteDecider, SCHEDULED).when(setCommand()).then([]);
    given(siteDecider, SCHEDULED)
      .when(setCommand({ cron: '0 4 * * *' }), at('2026-03-02T00:00:00.000Z'))
      .thenState({ backupSchedules: { production: expect.objectContaining({ cron: '0 4 * * *', effectiveFrom: '2026-03-02T00:00:00.000Z' }) } } as never);
  });

  it.each([
    ['a cron of 6 fields', { cron: '0 0 2 * * *' }, 'INVALID_CRON_EXPRESSION'],
    ['an empty cron', { cron: '' }, 'INVALID_CRON_EXPRESSION'],
    ['a cron the parser refused', { cron: '61 2 * * *', cronProblem: 'Constraint error, got value 61 expected range 0-59' }, 'INVALID_CRON_EXPRESSION'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'INVALID_TIME_ZONE'],
    ['retention keeping nothing', { retention: { keepLast: 0 } }, 'INVALID_RETENTION'],
    ['a negative keep rule', { retention: { keepLast: -1 } }, 'INVALID_RETENTION'],
    ['an unknown keep rule', { retention: { keepHourly: 3 } }, 'INVALID_RETENTION'],
    ['a fractional keep rule', { retention: { keepDaily: 1.5 } }, 'INVALID_RETENTION'],
    ['no retention', { retention: undefined }, 'INVALID_RETENTION'],
  ])('given an ACTIVE site, when a schedule with %s is set, then %s naming the field', (_what, over, code) => {
    const err = given(siteDecider, ACTIVE).when(setCommand(over)).thenThrows(DomainError, code, SITE_RULES.backupScheduleMustBeValid) as DomainError;
    expect(err.details.field).toEqual(expect.any(String));
  });

  it('given an unknown scope or environment, when a schedule is set, then VALIDATION_FAILED or NOT_FOUND', () => {
    given(siteDecider, ACTIVE).when(setCommand({ scope: 'all' })).thenThrows(DomainError, 'VALIDATION_FAILED');
    given(siteDecider, ACTIVE).when(setCommand({ environment: 'staging' })).thenThrows(NotFound, 'NOT_FOUND');
  });

  it('given a deleted site, when a schedule is set, then INVALID_STATE_TRANSITION', () => {
    const deleted: SiteEvent[] = [...ACTIVE, { type: 'SiteDeletionRequested', data: { siteId, environments: [env] } }, { type: 'SiteDeleted', data: { siteId, environments: [env] } }];
    given(siteDecider, deleted).when(setCommand()).thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', SITE_RULES.backupsChangeOnlyOnLiveSite);
  });

  it('given a schedule, when it is removed, then BackupScheduleRemoved; given none, then BACKUP_SCHEDULE_NOT_FOUND', () => {
    given(siteDecider, SCHEDULED).when({ type: 'RemoveBackupSchedule', siteId, environment: env }).then([{ type: 'BackupScheduleRemoved', data: { siteId, environment: env } }]);
    given(siteDecider, ACTIVE).when({ type: 'RemoveBackupSchedule', siteId, environment: env }).thenThrows(DomainError, 'BACKUP_SCHEDULE_NOT_FOUND');
  });
});

describe('site decider: scheduled backups', () => {
  it('given a schedule, when it comes due, then a scheduled BackupRequested for that due time, requested now', () => {
    given(siteDecider, SCHEDULED).when(request('b1', day(1)), at('2026-03-01T02:00:30.000Z')).then([scheduledRequested('b1', day(1), '2026-03-01T02:00:30.000Z')]);
    given(siteDecider, SCHEDULED)
      .when(request('b1', day(1)))
      .thenState({ backupSchedules: { production: expect.objectContaining({ lastDueAt: day(1) }) }, backups: { b1: expect.objectContaining({ purpose: 'scheduled', state: 'running' }) } } as never);
  });

  it('given a due time already requested, when it (or an earlier one) is asked for again, then nothing', () => {
    const once = [...SCHEDULED, scheduledRequested('b1', day(2)), completed('b1')];
    given(siteDecider, once).when(request('b2', day(2))).then([]);
    given(siteDecider, once).when(request('b2', day(1))).then([]);
  });

  it('given a due time before the schedule was set, when asked for, then nothing (a new schedule does not catch up)', () => {
    given(siteDecider, SCHEDULED).when(request('b1', '2026-02-28T02:00:00.000Z')).then([]);
  });

  it('given three due times passed, when the newest is requested with the two missed, then BackupScheduleMissed naming them, then the backup', () => {
    given(siteDecider, SCHEDULED)
      .when(request('b1', day(3), [day(1), day(2)]), at(day(3)))
      .then([
        { type: 'BackupScheduleMissed', data: { siteId, environment: env, missedCount: 2, missed: [day(1), day(2)], caughtUpDueAt: day(3) } },
        scheduledRequested('b1', day(3)),
      ]);
  });

  it('given a running backup or a busy site, when a schedule comes due, then BACKUP_RUNNING or SITE_BUSY and the due time stays pending', () => {
    const running = [...SCHEDULED, { type: 'BackupRequested', data: { siteId, environment: env, backupId: 'op', scope: 'db' } } as SiteEvent];
    given(siteDecider, running).when(request('b1', day(1))).thenThrows(RuleViolation, 'BACKUP_RUNNING');
    const deploying = [...SCHEDULED, { type: 'DeployRequested', data: { siteId, environment: env, deploymentId: 'd1', source: { type: 'wordpress' } } } as SiteEvent];
    given(siteDecider, deploying).when(request('b1', day(1))).thenThrows(RuleViolation, 'SITE_BUSY');
  });

  it('given no schedule (removed), when the scheduler asks, then nothing', () => {
    given(siteDecider, ACTIVE).when(request('b1', day(1))).then([]);
  });

  it('given a scheduled backup running, when it fails, then BackupFailed tagged scheduled with its due time', () => {
    given(siteDecider, [...SCHEDULED, scheduledRequested('b1', day(1))])
      .when({ type: 'FailBackup', siteId, backupId: 'b1', error })
      .then([{ type: 'BackupFailed', data: { siteId, environment: env, backupId: 'b1', error, purpose: 'scheduled', scheduledFor: day(1) } }]);
  });
});

describe('site decider: retention and deletion', () => {
  const three = [
    ...SCHEDULED,
    { type: 'BackupRequested', data: { siteId, environment: env, backupId: 'op', scope: 'full' } } as SiteEvent,
    completed('op', 'operator'),
    scheduledRequested('b1', day(1)),
    completed('b1'),
    scheduledRequested('b2', day(2)),
    completed('b2'),
    scheduledRequested('b3', day(3)),
  ];

  it('given keepLast 2 and two older scheduled backups, when the third completes, then BackupCompleted and a retention deletion of the oldest only', () => {
    given(siteDecider, three)
      .when({ type: 'CompleteBackup', siteId, backupId: 'b3', contents })
      .then([
        completed('b3'),
        { type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'id-1', backupIds: ['b1'], reason: 'retention', afterBackupId: 'b3' } },
      ]);
  });

  it('given keepLast 2, when an operator backup completes, then no retention runs', () => {
    const manual = [...SCHEDULED, scheduledRequested('b1', day(1)), completed('b1'), scheduledRequested('b2', day(2)), completed('b2'), { type: 'BackupRequested', data: { siteId, environment: env, backupId: 'op', scope: 'full' } } as SiteEvent];
    given(siteDecider, manual).when({ type: 'CompleteBackup', siteId, backupId: 'op', contents }).then([completed('op', 'operator')]);
  });

  it('given a retention deletion, when the prune job succeeds, then one BackupDeleted per backup and they are gone from the state', () => {
    const pending = [...three, completed('b3'), { type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'x', backupIds: ['b1'], reason: 'retention', afterBackupId: 'b3' } } as SiteEvent];
    given(siteDecider, pending)
      .when({ type: 'CompleteBackupDeletion', siteId, deletionId: 'x' })
      .then([{ type: 'BackupDeleted', data: { siteId, environment: env, backupId: 'b1', deletionId: 'x', reason: 'retention' } }]);
    const after = given(siteDecider, pending).when({ type: 'CompleteBackupDeletion', siteId, deletionId: 'x' }).thenState({ backupDeletions: {} });
    expect(Object.keys(after.backups).sort()).toEqual(['b2', 'b3', 'op']);
    given(siteDecider, pending).when({ type: 'CompleteBackupDeletion', siteId, deletionId: 'other' }).then([]);
  });

  it('given a deletion, when the prune job fails, then BackupDeletionFailed and the backups are restorable again', () => {
    const pending = [...three, completed('b3'), { type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'x', backupIds: ['b1'], reason: 'retention', afterBackupId: 'b3' } } as SiteEvent];
    given(siteDecider, pending)
      .when({ type: 'FailBackupDeletion', siteId, deletionId: 'x', error })
      .then([{ type: 'BackupDeletionFailed', data: { siteId, environment: env, deletionId: 'x', backupIds: ['b1'], error } }]);
    given(siteDecider, pending).when({ type: 'RequestRestore', siteId, restoreId: 'r1', environment: env, backupId: 'b1' }).thenThrows(RuleViolation, 'BACKUP_NOT_COMPLETE');
    const failed = [...pending, { type: 'BackupDeletionFailed', data: { siteId, environment: env, deletionId: 'x', backupIds: ['b1'], error } } as SiteEvent];
    given(siteDecider, failed).when({ type: 'RequestRestore', siteId, restoreId: 'r1', environment: env, backupId: 'b1' }, testContext()).then([
      { type: 'RestoreRequested', data: { siteId, environment: env, restoreId: 'r1', backupId: 'b1', scope: 'full', preRestoreBackupId: 'id-1' } },
    ]);
  });

  it('given a failed retention deletion, when its job is retried, then a new deletion of what is still listed, same reason; nothing left is JOB_NOT_RETRYABLE', () => {
    const asked = { type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'x', backupIds: ['b1', 'b2'], reason: 'retention', afterBackupId: 'b3' } } as SiteEvent;
    const failed = [...three, completed('b3'), asked, { type: 'BackupDeletionFailed', data: { siteId, environment: env, deletionId: 'x', backupIds: ['b1', 'b2'], error } } as SiteEvent];
    const retry = { type: 'RetryBackupDeletion', siteId, failedDeletionId: 'x', environment: env, backupIds: ['b1', 'b2'], reason: 'retention', deletionId: 'y' } as const;
    const again = { type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'y', backupIds: ['b1', 'b2'], reason: 'retention', afterBackupId: null } } as SiteEvent;
    given(siteDecider, failed).when(retry).then([again]);
    given(siteDecider, [...failed, again]).when(retry).then([]);
    // b1 went by hand meanwhile: only b2 is asked for; with both gone there is nothing to retry
    const b1Gone = [...failed, { type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'z', backupIds: ['b1'], reason: 'operator', afterBackupId: null } } as SiteEvent,
      { type: 'BackupDeleted', data: { siteId, environment: env, backupId: 'b1', deletionId: 'z', reason: 'operator' } } as SiteEvent];
    given(siteDecider, b1Gone).when(retry).then([{ type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'y', backupIds: ['b2'], reason: 'retention', afterBackupId: null } }]);
    given(siteDecider, b1Gone).when({ ...retry, backupIds: ['b1'] }).thenThrows(RuleViolation, 'JOB_NOT_RETRYABLE', SITE_RULES.deletionRetryNeedsBackupsLeft);
    // a backup in use blocks the retry like a deletion by hand
    given(siteDecider, [...failed, { type: 'RestoreRequested', data: { siteId, environment: env, restoreId: 'r1', backupId: 'b2', scope: 'full', preRestoreBackupId: 'pre' } } as SiteEvent])
      .when(retry)
      .thenThrows(RuleViolation, 'BACKUP_IN_USE', SITE_RULES.backupInUseCannotBeDeleted);
  });

  it('given a completed backup, when the operator deletes it, then BackupDeletionRequested (operator); a repeat of the same deletion is nothing', () => {
    const done = [...three, completed('b3')];
    const cmd = { type: 'RequestBackupDeletion', siteId, environment: env, backupId: 'op', deletionId: 'del1' } as const;
    given(siteDecider, done).when(cmd).then([{ type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'del1', backupIds: ['op'], reason: 'operator', afterBackupId: null } }]);
    const requested = [...done, { type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'del1', backupIds: ['op'], reason: 'operator', afterBackupId: null } } as SiteEvent];
    given(siteDecider, requested).when(cmd).then([]);
    given(siteDecider, requested).when({ ...cmd, deletionId: 'del2' }).thenThrows(RuleViolation, 'BACKUP_IN_USE', SITE_RULES.backupInUseCannotBeDeleted);
  });

  it('given a running backup, or one a running restore uses, when it is deleted, then BACKUP_IN_USE; an unknown one is BACKUP_NOT_FOUND', () => {
    const del = (backupId: string) => ({ type: 'RequestBackupDeletion', siteId, environment: env, backupId, deletionId: 'd' }) as const;
    given(siteDecider, three).when(del('b3')).thenThrows(RuleViolation, 'BACKUP_IN_USE');
    const restoring = [...three, completed('b3'), { type: 'RestoreRequested', data: { siteId, environment: env, restoreId: 'r1', backupId: 'b2', scope: 'full', preRestoreBackupId: 'pre' } } as SiteEvent];
    given(siteDecider, restoring).when(del('b2')).thenThrows(RuleViolation, 'BACKUP_IN_USE');
    given(siteDecider, restoring).when(del('b1')).then([{ type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'd', backupIds: ['b1'], reason: 'operator', afterBackupId: null } }]);
    given(siteDecider, three).when(del('nope')).thenThrows(RuleViolation, 'BACKUP_NOT_FOUND');
  });

  it('given a completed backup, when it is deleted without naming the environment, then its own environment is used; naming another one is NOT_FOUND', () => {
    given(siteDecider, three)
      .when({ type: 'RequestBackupDeletion', siteId, backupId: 'b1', deletionId: 'd' })
      .then([{ type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'd', backupIds: ['b1'], reason: 'operator', afterBackupId: null } }]);
    given(siteDecider, three).when({ type: 'RequestBackupDeletion', siteId, environment: 'staging', backupId: 'b1', deletionId: 'd' }).thenThrows(NotFound, 'NOT_FOUND');
  });

  it('given the schedule was replaced with keepLast 1, when the next scheduled backup completes, then the new policy applies', () => {
    const replaced = [
      ...SCHEDULED,
      scheduledRequested('b1', day(1)),
      completed('b1'),
      scheduledRequested('b2', day(2)),
      completed('b2'),
      { type: 'BackupScheduleSet', data: { ...(scheduleSet().data as object), retention: { keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 } } } as SiteEvent,
      scheduledRequested('b3', day(3)),
    ];
    const events = given(siteDecider, replaced).when({ type: 'CompleteBackup', siteId, backupId: 'b3', contents }).then([
      completed('b3'),
      { type: 'BackupDeletionRequested', data: { siteId, environment: env, deletionId: 'id-1', backupIds: ['b1', 'b2'], reason: 'retention', afterBackupId: 'b3' } },
    ]);
    expect(events).toHaveLength(2);
  });
});
