/**
 * Site backups and restores through the API and the site page, on a real SQLite file with the real
 * worker, job outcomes, reactors and read model. The node side (site-backup.yml, site-restore.yml) is
 * scripted here; test/application/sites/backups.e2e.spec.ts runs it on a real node.
 */
import { backupProjection } from '../../../src/application/projections/backup.projector';
import { rowsAroundRebuild } from '../../support/projection-rebuild';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

const contents = {
  parts: [
    { name: 'db', file: 'db.sql.gz', size: 100, sha256: 'a'.repeat(64) },
    { name: 'files', file: 'files.tar.gz', size: 200, sha256: 'b'.repeat(64) },
    { name: 'code', file: 'code.tar.gz', size: 300, sha256: 'c'.repeat(64) },
  ],
  size: 600,
  // the node's copy, and a snapshot in its restic repository (listed and rebuilt like the other)
  locations: [
    { kind: 'node', nodeId: 'n', path: '/var/lib/pressluft/backups/x/b' },
    {
      kind: 'restic',
      nodeId: 'n',
      repositoryId: 'r1',
      url: 'sftp:backup@203.0.113.5:/srv/restic',
      snapshotId: 'd'.repeat(64),
      parts: [{ name: 'db', file: 'db.sql', size: 400, sha256: 'e'.repeat(64) }],
    },
  ],
  releaseId: 'release-1',
  wordpressVersion: '6.1.9',
  tableCount: 12,
};

describe('site backups and restores (API and page)', () => {
  let t: TestApp;
  let nodeId: string;
  let counter = 0;
  const provision = new ScriptedHandler('site.provision');
  const backup = new ScriptedHandler('site.backup').succeedWith({ contents });
  const restore = new ScriptedHandler('site.restore');

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [provision, backup, restore] });
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'bk-node', host: '10.254.251.2' })).body.node.id;
  });
  afterAll(() => t.close());

  async function activeSite(): Promise<string> {
    const res = await t.request('POST', '/api/v1/sites', { name: `Bk ${++counter}`, nodeId, domain: `bk${counter}.example.com`, adminEmail: 'a@example.com' });
    const id = res.body.site.id as string;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000, description: 'site ACTIVE' });
    return id;
  }
  const envPath = (siteId: string) => `/api/v1/sites/${siteId}/environments/production`;
  const finished = (jobId: string) =>
    pollUntil(async () => {
      const job = (await t.request('GET', `/api/v1/jobs/${jobId}`)).body;
      return ['succeeded', 'failed'].includes(job.state) ? job : undefined;
    }, { timeoutMs: 10_000, description: `job ${jobId} finished` });
  const listed = async (siteId: string) => (await t.request('GET', `${envPath(siteId)}/backups`)).body.items;
  const site = async (siteId: string) => (await t.request('GET', `/api/v1/sites/${siteId}`)).body;
  const siteEvents = async (siteId: string) => (await t.request('GET', `/api/v1/sites/${siteId}/events`)).body.events as { type: string; data: any; metadata: any }[];
  async function completedBackup(siteId: string): Promise<string> {
    const res = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'full' });
    await finished(res.body.job.id);
    return res.body.backupId;
  }

  it('takes a backup: 202 with its id and job, recorded with the actor, listed with parts and where the copy lives; the lifecycle is untouched', async () => {
    const siteId = await activeSite();
    const before = await site(siteId);
    backup.hold();
    const res = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'full' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ backupId: expect.any(String), version: before.version + 1, job: { id: expect.any(String), kind: 'site.backup' } });
    expect((await listed(siteId))[0]).toMatchObject({ id: res.body.backupId, state: 'running', parts: [], size: null });
    backup.release();
    expect(await finished(res.body.job.id)).toMatchObject({ state: 'succeeded', siteId });
    expect(await listed(siteId)).toEqual([
      {
        id: res.body.backupId,
        siteId,
        environment: 'production',
        scope: 'full',
        state: 'completed',
        purpose: 'operator',
        restoreId: null,
        ...contents,
        error: null,
        createdAt: expect.any(String),
        completedAt: expect.any(String),
      },
    ]);
    const events = await siteEvents(siteId);
    expect(events.slice(-2).map((e) => [e.type, e.metadata.actor])).toEqual([
      ['BackupRequested', t.token.actor],
      ['BackupCompleted', 'system:worker'],
    ]);
    expect((await site(siteId)).state).toBe('ACTIVE');
  });

  it('a repeated Idempotency-Key returns the same backup and queues nothing; a failed backup is listed failed and the site stays ACTIVE without an error', async () => {
    const siteId = await activeSite();
    backup.failWith('BACKUP_FAILED', 'mysqldump: out of disk space', false);
    const headers = { 'idempotency-key': 'bk-once' };
    const first = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'db' }, headers);
    const again = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'db' }, headers);
    expect(again.body.backupId).toBe(first.body.backupId);
    await finished(first.body.job.id);
    const [failed] = await listed(siteId);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'BACKUP_FAILED', message: 'mysqldump: out of disk space' } });
    expect(await site(siteId)).toMatchObject({ state: 'ACTIVE', lastError: null });
    backup.succeedWith({ contents });
  });

  it('refuses bad input and impossible restores with a clear error and appends nothing', async () => {
    const siteId = await activeSite();
    backup.hold();
    const running = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'full' });
    const before = t.eventCount();
    const cases: [string, string, unknown, number, string][] = [
      ['POST', `${envPath(siteId)}/backups`, { scope: 'all' }, 400, 'VALIDATION_FAILED'],
      ['POST', `${envPath(siteId)}/backups`, {}, 400, 'VALIDATION_FAILED'],
      ['POST', `${envPath(siteId)}/backups`, { scope: 'db', extra: 1 }, 400, 'UNKNOWN_FIELD'],
      ['POST', `${envPath(siteId)}/backups`, { scope: 'db' }, 409, 'BACKUP_RUNNING'],
      ['POST', `/api/v1/sites/${siteId}/environments/staging/backups`, { scope: 'db' }, 404, 'NOT_FOUND'],
      ['POST', `${envPath(siteId)}/restore`, { backupId: 'nope' }, 404, 'BACKUP_NOT_FOUND'],
      ['POST', `${envPath(siteId)}/restore`, { backupId: running.body.backupId }, 422, 'BACKUP_NOT_COMPLETE'],
      ['POST', `${envPath(siteId)}/restore`, { backupId: '../etc' }, 400, 'VALIDATION_FAILED'],
      ['GET', `/api/v1/sites/${siteId}/environments/staging/backups`, undefined, 404, 'NOT_FOUND'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await t.request(method, path, body);
      expect([path, res.status, res.body.code]).toEqual([path, status, code]);
      expect(res.body.message).toEqual(expect.any(String));
    }
    expect(t.eventCount()).toBe(before);
    backup.release();
    await finished(running.body.job.id);
  });

  it('restores: RESTORING, SITE_BUSY meanwhile; a refusal before any overwrite returns to ACTIVE with the error recorded', async () => {
    const siteId = await activeSite();
    const backupId = await completedBackup(siteId);
    restore.hold().failWith('BACKUP_CORRUPT', 'part files.tar.gz does not match its manifest', false, { phase: 'pre-overwrite', rolledBack: false });
    const res = await t.request('POST', `${envPath(siteId)}/restore`, { backupId });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ restoreId: expect.any(String), preRestoreBackupId: expect.any(String), version: expect.any(Number), job: { id: expect.any(String), kind: 'site.restore' } });
    expect((await site(siteId)).state).toBe('RESTORING');
    const busy = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'db' });
    expect([busy.status, busy.body.code]).toEqual([409, 'SITE_BUSY']);
    restore.release();
    await finished(res.body.job.id);
    expect(await site(siteId)).toMatchObject({ state: 'ACTIVE', lastError: { code: 'BACKUP_CORRUPT' } });
    const failed = (await siteEvents(siteId)).pop()!;
    expect(failed).toMatchObject({ type: 'RestoreFailed', data: { phase: 'pre-overwrite', rolledBack: false, backupId, preRestoreBackupId: res.body.preRestoreBackupId } });
  });

  it('a restore job that reports success without its pre-restore backup and authorization is recorded as a failure: FAILED, never a restore', async () => {
    const siteId = await activeSite();
    const backupId = await completedBackup(siteId);
    restore.succeedWith({ releaseId: 'release-1' });
    await finished((await t.request('POST', `${envPath(siteId)}/restore`, { backupId })).body.job.id);
    expect(await site(siteId)).toMatchObject({ state: 'FAILED', lastError: { code: 'PRE_RESTORE_BACKUP_MISSING' } });
    expect((await siteEvents(siteId)).map((e) => e.type)).not.toContain('RestoreCompleted');
  });

  it('rebuilds rm_backups byte-identical from the log', () => {
    const { before, after } = rowsAroundRebuild(t.db, [backupProjection], 'SELECT * FROM rm_backups ORDER BY backup_id');
    expect(before.length).toBeGreaterThan(3);
    expect(after).toEqual(before);
  });

  it('the site page lists the backups and has the "Back up now" and per-backup "Restore" forms (CSRF)', async () => {
    const siteId = await activeSite();
    const backupId = await completedBackup(siteId);
    const session = await t.login();
    const page = await (await fetch(`${t.url}/sites/${siteId}`, { headers: { cookie: session.cookie } })).text();
    expect(page).toContain('id="backups"');
    expect(page).toContain(`<code>${backupId}</code>`);
    expect(page).toContain('action="/sites/' + siteId + '/backups"');
    expect(page).toContain(`name="backupId" value="${backupId}"`);
    const post = (path: string, fields: Record<string, string>, csrf = session.csrf) =>
      fetch(t.url + path, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      });
    const before = t.eventCount();
    expect((await post(`/sites/${siteId}/backups`, { env: 'production', scope: 'db' }, 'wrong')).status).toBe(403);
    const bad = await post(`/sites/${siteId}/backups`, { env: 'production', scope: 'nope' });
    expect(bad.status).toBe(400);
    expect(t.eventCount()).toBe(before);
    const made = await post(`/sites/${siteId}/backups`, { env: 'production', scope: 'db' });
    expect(made.status).toBe(303);
    const requested = (await siteEvents(siteId)).filter((e) => e.type === 'BackupRequested').pop()!;
    expect(requested).toMatchObject({ data: { scope: 'db' }, metadata: { actor: expect.stringMatching(/^user:/) } });
    await pollUntil(async () => (await listed(siteId)).every((b: { state: string }) => b.state === 'completed'), { timeoutMs: 10_000 });
    restore.failWith('PRE_RESTORE_BACKUP_FAILED', 'the pre-restore backup failed, nothing was overwritten', false, { phase: 'pre-overwrite' });
    expect((await post(`/sites/${siteId}/restore`, { env: 'production', backupId })).status).toBe(303);
    expect((await siteEvents(siteId)).filter((e) => e.type === 'RestoreRequested').pop()).toMatchObject({ data: { backupId }, metadata: { actor: expect.stringMatching(/^user:/) } });
  });
});
