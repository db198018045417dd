/**
 * Backup schedules end to end in one process, on a real SQLite file with the real worker, job
 * outcomes, reactors and read models; the node side (site-backup.yml, site-backup-prune.yml) is
 * scripted (test/application/sites/backup-schedules.e2e.spec.ts runs it on a node). The clock the
 * scheduler reads is the argument of tick(now): the tests move it, they never wait for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { backupScheduleProjection } from '../../../src/application/projections/backup-schedule.projector';
import { backupProjection } from '../../../src/application/projections/backup.projector';
import type { RowProjection } from '../../../src/application/projections/row-projection';
import { RunBackupSchedulesCommand } from '../../../src/application/sites/run-backup-schedules/run-backup-schedules.command';
import type { RunBackupSchedulesResult } from '../../../src/application/sites/run-backup-schedules/run-backup-schedules.handler';
import { rebuildProjections } from '../../../src/infrastructure/event-store/projection-rebuilder';
import { BackupScheduler } from '../../../src/infrastructure/scheduler/backup.scheduler';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

const contents = {
  parts: [{ name: 'db', file: 'db.sql.gz', size: 100, sha256: 'a'.repeat(64) }],
  size: 100,
  locations: [{ kind: 'node', nodeId: 'n', path: '/var/lib/pressluft/backups/x/b' }],
  releaseId: 'release-1',
  wordpressVersion: '6.1.9',
  tableCount: 12,
};
const HOUR = 3_600_000;
/** The top of the hour `n` hours after `iso`'s next one, plus `plusMs`. */
const hourAfter = (iso: string, n: number, plusMs = 60_000) => new Date((Math.floor(Date.parse(iso) / HOUR) + n) * HOUR + plusMs).toISOString();
const topOfHour = (iso: string, n: number) => hourAfter(iso, n, 0);

type Ev = { type: string; data: any; metadata: any };

describe('backup schedules and the backup scheduler', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pressluft-sched-'));
  const provision = new ScriptedHandler('site.provision');
  const backup = new ScriptedHandler('site.backup').succeedWith({ contents });
  const prune = new ScriptedHandler('site.backup-prune').succeedWith({ deleted: [], absent: [] });
  let t: TestApp;
  let nodeId: string;
  let counter = 0;

  const start = () => startTestApp({ jobHandlers: [provision, backup, prune], dataDir });
  beforeAll(async () => {
    t = await start();
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'sched-node', host: '10.254.202.2' })).body.node.id;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function activeSite(): Promise<string> {
    const res = await t.request('POST', '/api/v1/sites', { name: `Sched ${++counter}`, nodeId, domain: `sched${counter}.example.com`, adminEmail: 'a@example.com' });
    const id = res.body.site.id as string;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000, description: 'site ACTIVE' });
    return id;
  }
  const envPath = (siteId: string) => `/api/v1/sites/${siteId}/environments/production`;
  const siteEvents = async (siteId: string) => (await t.request('GET', `/api/v1/sites/${siteId}/events`)).body.events as Ev[];
  const listed = async (siteId: string) => (await t.request('GET', `${envPath(siteId)}/backups`)).body.items as { id: string; state: string; purpose: string }[];
  const finished = (jobId: string) =>
    pollUntil(async () => {
      const job = (await t.request('GET', `/api/v1/jobs/${jobId}`)).body;
      return ['succeeded', 'failed'].includes(job.state) ? job : undefined;
    }, { timeoutMs: 10_000, description: `job ${jobId} finished` });
  /** One scheduler round at `now`, and every job it queued run to its end (and the prune jobs those queued). */
  async function round(now: string): Promise<RunBackupSchedulesResult> {
    const result = await t.app.get(BackupScheduler).tick(now);
    for (const r of result.requested) for (const id of r.jobIds) await finished(id);
    await pollUntil(async () => (await t.request('GET', '/api/v1/jobs?kind=site.backup-prune&state=queued')).body.items.length === 0
      && (await t.request('GET', '/api/v1/jobs?kind=site.backup-prune&state=running')).body.items.length === 0, { timeoutMs: 10_000, description: 'prune jobs done' });
    return result;
  }
  const schedule = (siteId: string, body: Record<string, unknown>) => t.request('PUT', `${envPath(siteId)}/backup-schedule`, body);
  const requestedFor = (events: Ev[]) => events.filter((e) => e.type === 'BackupRequested' && e.data.purpose === 'scheduled').map((e) => e.data.scheduledFor);

  it('sets a schedule (recorded with the actor, shown in the environment view with its next due time) and replaces and removes it', async () => {
    const siteId = await activeSite();
    const res = await schedule(siteId, { cron: '30 2 * * *', timeZone: 'Europe/Berlin', scope: 'db', retention: { keepDaily: 7, keepWeekly: 4 } });
    expect(res.status).toBe(200);
    expect(res.body.schedule).toMatchObject({
      cron: '30 2 * * *',
      timeZone: 'Europe/Berlin',
      scope: 'db',
      retention: { keepLast: 0, keepDaily: 7, keepWeekly: 4, keepMonthly: 0 },
      setBy: t.token.actor,
      nextDueAt: expect.stringMatching(/T0[01]:30:00\.000Z$/), // 02:30 in Berlin is 00:30 or 01:30 UTC
      lastDueAt: null,
      lastMissed: null,
    });
    const site = (await t.request('GET', `/api/v1/sites/${siteId}`)).body;
    expect(site.environments[0].backupSchedule).toMatchObject({ cron: '30 2 * * *', scope: 'db' });
    const [set] = (await siteEvents(siteId)).filter((e) => e.type === 'BackupScheduleSet');
    expect(set).toMatchObject({ data: { environment: 'production', cron: '30 2 * * *', timeZone: 'Europe/Berlin' }, metadata: { actor: t.token.actor } });
    const again = await schedule(siteId, { cron: '30 2 * * *', timeZone: 'Europe/Berlin', scope: 'db', retention: { keepDaily: 7, keepWeekly: 4 } });
    expect(again.body.version).toBe(res.body.version); // the same schedule: nothing appended
    expect((await schedule(siteId, { cron: '0 3 * * *', retention: { keepLast: 3 } })).body.schedule).toMatchObject({ cron: '0 3 * * *', timeZone: 'UTC', scope: 'full' });
    expect((await t.request('GET', `${envPath(siteId)}/backup-schedule`)).body).toMatchObject({ cron: '0 3 * * *' });
    const removed = await t.request('DELETE', `${envPath(siteId)}/backup-schedule`);
    expect(removed.status).toBe(200);
    expect((await siteEvents(siteId)).pop()).toMatchObject({ type: 'BackupScheduleRemoved', metadata: { actor: t.token.actor } });
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body.environments[0].backupSchedule).toBeNull();
    expect((await t.request('GET', `${envPath(siteId)}/backup-schedule`)).body.code).toBe('BACKUP_SCHEDULE_NOT_FOUND');
  });

  it('refuses invalid schedules and impossible deletions with a clear error and appends nothing', async () => {
    const siteId = await activeSite();
    backup.hold();
    const running = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'db' });
    const before = t.eventCount();
    const cases: [string, string, unknown, number, string][] = [
      ['PUT', `${envPath(siteId)}/backup-schedule`, { cron: '0 2 * *', retention: { keepLast: 1 } }, 400, 'INVALID_CRON_EXPRESSION'],
      ['PUT', `${envPath(siteId)}/backup-schedule`, { cron: '0 25 * * *', retention: { keepLast: 1 } }, 400, 'INVALID_CRON_EXPRESSION'],
      ['PUT', `${envPath(siteId)}/backup-schedule`, { cron: '@daily', retention: { keepLast: 1 } }, 400, 'INVALID_CRON_EXPRESSION'],
      ['PUT', `${envPath(siteId)}/backup-schedule`, { cron: '0 2 * * *', timeZone: 'Europe/Atlantis', retention: { keepLast: 1 } }, 400, 'INVALID_TIME_ZONE'],
      ['PUT', `${envPath(siteId)}/backup-schedule`, { cron: '0 2 * * *', retention: { keepLast: 0 } }, 400, 'INVALID_RETENTION'],
      ['PUT', `${envPath(siteId)}/backup-schedule`, { cron: '0 2 * * *', retention: { keepLast: -2 } }, 400, 'INVALID_RETENTION'],
      ['PUT', `${envPath(siteId)}/backup-schedule`, { cron: '0 2 * * *', retention: { keepYearly: 2 } }, 400, 'INVALID_RETENTION'],
      ['PUT', `${envPath(siteId)}/backup-schedule`, { cron: '0 2 * * *' }, 400, 'VALIDATION_FAILED'],
      ['PUT', `${envPath(siteId)}/backup-schedule`, { cron: '0 2 * * *', scope: 'all', retention: { keepLast: 1 } }, 400, 'VALIDATION_FAILED'],
      ['PUT', `${envPath(siteId)}/backup-schedule`, { cron: '0 2 * * *', retention: { keepLast: 1 }, extra: 1 }, 400, 'UNKNOWN_FIELD'],
      ['PUT', `/api/v1/sites/${siteId}/environments/staging/backup-schedule`, { cron: '0 2 * * *', retention: { keepLast: 1 } }, 404, 'NOT_FOUND'],
      ['DELETE', `${envPath(siteId)}/backup-schedule`, undefined, 404, 'BACKUP_SCHEDULE_NOT_FOUND'],
      ['DELETE', `/api/v1/sites/${siteId}/backups/${running.body.backupId}`, undefined, 409, 'BACKUP_IN_USE'],
      ['DELETE', `/api/v1/sites/${siteId}/backups/nope`, undefined, 404, 'BACKUP_NOT_FOUND'],
      ['DELETE', `/api/v1/sites/${siteId}/backups/..%2Fetc`, undefined, 400, 'VALIDATION_FAILED'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await t.request(method, path, body);
      expect([path, JSON.stringify(body), res.status, res.body.code]).toEqual([path, JSON.stringify(body), status, code]);
      expect(res.body.message).toEqual(expect.any(String));
      expect(res.body.details).toEqual(expect.any(Object));
    }
    expect(t.eventCount()).toBe(before);
    backup.release();
    await finished(running.body.job.id);
  });

  it('due → one backup, requested by the scheduler; a second round and two racing rounds → still one; a restart in between → still one', async () => {
    const siteId = await activeSite();
    const set = await schedule(siteId, { cron: '0 * * * *', scope: 'full', retention: { keepLast: 5 } });
    const from = set.body.schedule.effectiveFrom as string;
    expect((await round(hourAfter(from, 0, HOUR - 1))).requested.filter((r) => r.siteId === siteId)).toEqual([]); // before the first due time
    const first = await round(hourAfter(from, 1));
    expect(first.requested.filter((r) => r.siteId === siteId)).toEqual([expect.objectContaining({ dueAt: topOfHour(from, 1), missedCount: 0 })]);
    const events = await siteEvents(siteId);
    expect(events.filter((e) => e.type === 'BackupRequested').map((e) => [e.data.purpose, e.data.scheduledFor, e.metadata.actor])).toEqual([
      ['scheduled', topOfHour(from, 1), 'system:backup-scheduler'],
    ]);
    expect((await listed(siteId))[0]).toMatchObject({ state: 'completed', purpose: 'scheduled' });

    await round(hourAfter(from, 1, 30 * 60_000)); // the same hour again
    const cmds = t.app.get(CommandBus);
    const raced = await Promise.all([0, 1, 2].map(() => cmds.execute<RunBackupSchedulesCommand, RunBackupSchedulesResult>(new RunBackupSchedulesCommand(hourAfter(from, 2)))));
    expect(raced.flatMap((r) => r.requested).filter((r) => r.siteId === siteId)).toHaveLength(1);
    for (const r of raced) for (const q of r.requested) for (const id of q.jobIds) await finished(id);
    expect(requestedFor(await siteEvents(siteId))).toEqual([topOfHour(from, 1), topOfHour(from, 2)]);

    await t.close(); // a control-plane restart on the same database
    t = await start();
    await round(hourAfter(from, 2, 10 * 60_000));
    expect(requestedFor(await siteEvents(siteId))).toEqual([topOfHour(from, 1), topOfHour(from, 2)]);
    await round(hourAfter(from, 3));
    expect(requestedFor(await siteEvents(siteId))).toEqual([topOfHour(from, 1), topOfHour(from, 2), topOfHour(from, 3)]);
    expect((await siteEvents(siteId)).map((e) => e.type)).not.toContain('BackupScheduleMissed');
  });

  it('downtime over three due times → one catch-up backup and one BackupScheduleMissed naming the two it skipped, shown on the dashboard', async () => {
    const siteId = await activeSite();
    const from = (await schedule(siteId, { cron: '0 * * * *', retention: { keepLast: 10 } })).body.schedule.effectiveFrom as string;
    await round(hourAfter(from, 1));
    const late = await round(hourAfter(from, 4, 20 * 60_000)); // due at +2h, +3h, +4h while "down"
    expect(late.requested.filter((r) => r.siteId === siteId)).toEqual([expect.objectContaining({ dueAt: topOfHour(from, 4), missedCount: 2 })]);
    const events = await siteEvents(siteId);
    const missed = events.filter((e) => e.type === 'BackupScheduleMissed');
    expect(missed).toEqual([
      expect.objectContaining({
        data: { siteId, environment: 'production', missedCount: 2, missed: [topOfHour(from, 2), topOfHour(from, 3)], caughtUpDueAt: topOfHour(from, 4) },
        metadata: expect.objectContaining({ actor: 'system:backup-scheduler' }),
      }),
    ]);
    expect(requestedFor(events)).toEqual([topOfHour(from, 1), topOfHour(from, 4)]);
    expect((await t.request('GET', `${envPath(siteId)}/backup-schedule`)).body.lastMissed).toMatchObject({ count: 2, times: [topOfHour(from, 2), topOfHour(from, 3)] });
    const session = await t.login();
    const dashboard = await (await fetch(`${t.url}/`, { headers: { cookie: session.cookie } })).text();
    expect(dashboard).toContain('Scheduled backups');
    expect(dashboard).toMatch(/2 due time\(s\) missed/);
  });

  it('a site that is busy when a schedule comes due gets the backup at the first round after (no missed event); a failed scheduled backup is an event on the dashboard', async () => {
    const siteId = await activeSite();
    const from = (await schedule(siteId, { cron: '0 * * * *', retention: { keepLast: 10 } })).body.schedule.effectiveFrom as string;
    backup.hold();
    const manual = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'db' });
    const busy = await round(hourAfter(from, 1));
    expect(busy.pending.filter((p) => p.siteId === siteId)).toEqual([expect.objectContaining({ code: 'BACKUP_RUNNING', dueAt: topOfHour(from, 1) })]);
    backup.release();
    await finished(manual.body.job.id);
    backup.failWith('BACKUP_FAILED', 'mysqldump: out of disk space', false);
    await round(hourAfter(from, 1, 5 * 60_000));
    const events = await siteEvents(siteId);
    expect(requestedFor(events)).toEqual([topOfHour(from, 1)]);
    expect(events.map((e) => e.type)).not.toContain('BackupScheduleMissed');
    expect(events.filter((e) => e.type === 'BackupFailed').pop()).toMatchObject({ data: { purpose: 'scheduled', scheduledFor: topOfHour(from, 1), error: { code: 'BACKUP_FAILED' } } });
    const session = await t.login();
    const dashboard = await (await fetch(`${t.url}/`, { headers: { cookie: session.cookie } })).text();
    expect(dashboard).toContain('mysqldump: out of disk space');
    expect(dashboard).toMatch(/scheduled backup <code>[0-9a-z]+<\/code> failed/);
    backup.succeedWith({ contents });
  });

  it('retention keepLast 1: each scheduled backup that completes queues a site.backup-prune job for the older ones; deleted backups leave the list; manual backups stay', async () => {
    const siteId = await activeSite();
    const from = (await schedule(siteId, { cron: '0 * * * *', retention: { keepLast: 1 } })).body.schedule.effectiveFrom as string;
    const manual = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'db' });
    await finished(manual.body.job.id);
    await round(hourAfter(from, 1));
    const [s1] = (await listed(siteId)).filter((b) => b.purpose === 'scheduled');
    await round(hourAfter(from, 2));
    const events = await siteEvents(siteId);
    const deletion = events.find((e) => e.type === 'BackupDeletionRequested');
    expect(deletion).toMatchObject({ data: { backupIds: [s1.id], reason: 'retention' }, metadata: { actor: 'system:worker' } });
    expect(events.filter((e) => e.type === 'BackupDeleted').map((e) => [e.data.backupId, e.data.reason])).toEqual([[s1.id, 'retention']]);
    const jobs = (await t.request('GET', `/api/v1/jobs?kind=site.backup-prune`)).body.items.filter((j: { siteId: string }) => j.siteId === siteId);
    expect(jobs).toEqual([expect.objectContaining({ state: 'succeeded' })]);
    const left = await listed(siteId);
    expect(left.map((b) => [b.id === manual.body.backupId ? 'manual' : b.purpose, b.state])).toEqual([
      ['scheduled', 'completed'],
      ['manual', 'completed'],
    ]);
  });

  it('deletes a backup by hand (API): deleting while its job is queued, gone once it ran; a failed prune keeps it listed', async () => {
    const siteId = await activeSite();
    const made = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'full' });
    await finished(made.body.job.id);
    prune.hold();
    const res = await t.request('DELETE', `/api/v1/sites/${siteId}/backups/${made.body.backupId}`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deletionId: expect.any(String), version: expect.any(Number), job: { id: expect.any(String), kind: 'site.backup-prune' } });
    expect((await listed(siteId))[0]).toMatchObject({ id: made.body.backupId, state: 'deleting' });
    const restore = await t.request('POST', `${envPath(siteId)}/restore`, { backupId: made.body.backupId });
    expect([restore.status, restore.body.code]).toEqual([422, 'BACKUP_NOT_COMPLETE']);
    prune.release();
    await finished(res.body.job.id);
    expect(await listed(siteId)).toEqual([]);
    expect((await siteEvents(siteId)).slice(-2).map((e) => [e.type, e.metadata.actor])).toEqual([
      ['BackupDeletionRequested', t.token.actor],
      ['BackupDeleted', 'system:worker'],
    ]);

    const other = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'db' });
    await finished(other.body.job.id);
    prune.failWith('BACKUP_DELETE_FAILED', 'rmtree: Read-only file system', false);
    const failed = await t.request('DELETE', `/api/v1/sites/${siteId}/backups/${other.body.backupId}`);
    await finished(failed.body.job.id);
    expect(await listed(siteId)).toEqual([expect.objectContaining({ id: other.body.backupId, state: 'completed' })]);
    expect((await siteEvents(siteId)).pop()).toMatchObject({ type: 'BackupDeletionFailed', data: { error: { code: 'BACKUP_DELETE_FAILED' } } });
    prune.succeedWith({ deleted: [], absent: [] });
  });

  it('the site page shows the schedule with a set form and remove and delete buttons (CSRF); a bad cron is shown at its field and appends nothing', async () => {
    const siteId = await activeSite();
    const session = await t.login();
    const post = (path: string, fields: Record<string, string>, csrf = session.csrf) =>
      fetch(t.url + path, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      });
    const before = t.eventCount();
    expect((await post(`/sites/${siteId}/backup-schedule`, { env: 'production', cron: '0 2 * * *', keepLast: '3' }, 'wrong')).status).toBe(403);
    const bad = await post(`/sites/${siteId}/backup-schedule`, { env: 'production', cron: '0 2 * *', keepLast: '3' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/cron must have 5 fields/);
    const none = await post(`/sites/${siteId}/backup-schedule`, { env: 'production', cron: '0 2 * * *', keepLast: '', keepDaily: '0' });
    expect(none.status).toBe(400);
    expect(t.eventCount()).toBe(before);
    const made = await post(`/sites/${siteId}/backup-schedule`, { env: 'production', cron: '15 1 * * 0', timeZone: 'Europe/Berlin', scope: 'db', keepWeekly: '8' });
    expect(made.status).toBe(303);
    expect((await siteEvents(siteId)).pop()).toMatchObject({ type: 'BackupScheduleSet', data: { cron: '15 1 * * 0', retention: { keepWeekly: 8 } }, metadata: { actor: expect.stringMatching(/^user:/) } });
    const backupId = (await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'db' })).body.backupId;
    await pollUntil(async () => (await listed(siteId))[0]?.state === 'completed', { timeoutMs: 10_000 });
    const page = await (await fetch(`${t.url}/sites/${siteId}`, { headers: { cookie: session.cookie } })).text();
    expect(page).toContain('id="backup-schedules"');
    expect(page).toContain('<code>15 1 * * 0</code>');
    expect(page).toContain(`action="/sites/${siteId}/backup-schedule"`);
    expect(page).toContain(`action="/sites/${siteId}/backup-schedule/remove"`);
    expect(page).toContain(`action="/sites/${siteId}/backups/${backupId}/delete"`);
    expect((await post(`/sites/${siteId}/backups/${backupId}/delete`, { env: 'production' })).status).toBe(303);
    expect((await siteEvents(siteId)).find((e) => e.type === 'BackupDeletionRequested')).toMatchObject({ data: { backupIds: [backupId], reason: 'operator' }, metadata: { actor: expect.stringMatching(/^user:/) } });
    expect((await post(`/sites/${siteId}/backup-schedule/remove`, { env: 'production' })).status).toBe(303);
    expect((await siteEvents(siteId)).find((e) => e.type === 'BackupScheduleRemoved')).toMatchObject({ metadata: { actor: expect.stringMatching(/^user:/) } });
  });

  it('rebuilds rm_backup_schedules and rm_backups byte-identical from the log', () => {
    const tables = () => [t.db.prepare('SELECT * FROM rm_backup_schedules ORDER BY site_id, environment').all(), t.db.prepare('SELECT * FROM rm_backups ORDER BY backup_id').all()];
    const before = tables();
    expect(before[0].length).toBeGreaterThan(2);
    rebuildProjections(t.db, [backupScheduleProjection, backupProjection] as unknown as RowProjection[]);
    expect(tables()).toEqual(before);
  });
});
