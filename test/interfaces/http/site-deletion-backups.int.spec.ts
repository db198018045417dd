/**
 * The final backup of a site deletion and the retry of a failed backup, through the API and the site
 * page, on a real SQLite file with the real worker, job outcomes, reactors and read model. The
 * site.delete job is the real DeleteSiteJobHandler over a scripted remote runner (what site-backup.yml
 * and site-delete.yml report); test/application/sites/backups.e2e.spec.ts runs the playbooks on a
 * real node.
 */
import { pollUntil } from '../../support/poll-until';
import { FINAL_BACKUP_PARTS as parts, scriptedDeletionHandler } from '../../support/scripted-deletion';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

const contents = { parts, size: 600, locations: [{ kind: 'node', nodeId: 'n', path: '/var/lib/pressluft/backups/x/b' }], releaseId: 'release-1', wordpressVersion: '6.1.9', tableCount: 12 };

describe('final backups of a deletion, and retrying a failed backup (API and page)', () => {
  let t: TestApp;
  let nodeId: string;
  let counter = 0;
  const provision = new ScriptedHandler('site.provision');
  const backup = new ScriptedHandler('site.backup').succeedWith({ contents });
  const deletion = scriptedDeletionHandler(() => t);
  const runner = deletion.runner;

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [provision, backup, deletion] });
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'fb-node', host: '10.254.251.3' })).body.node.id;
  });
  afterAll(() => t.close());

  async function activeSite(): Promise<string> {
    const res = await t.request('POST', '/api/v1/sites', { name: `Fb ${++counter}`, slug: `fb${counter}`, nodeId, domain: `fb${counter}.example.com`, adminEmail: 'a@example.com' });
    const id = res.body.site.id as string;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000, description: 'site ACTIVE' });
    return id;
  }
  const envPath = (siteId: string) => `/api/v1/sites/${siteId}/environments/production`;
  const finished = (jobId: string) =>
    pollUntil(
      async () => {
        const job = (await t.request('GET', `/api/v1/jobs/${jobId}`)).body;
        return ['succeeded', 'failed'].includes(job.state) ? job : undefined;
      },
      { timeoutMs: 10_000, description: `job ${jobId} finished` },
    );
  const listed = async (siteId: string) => (await t.request('GET', `${envPath(siteId)}/backups`)).body.items as Record<string, any>[];
  const site = async (siteId: string) => (await t.request('GET', `/api/v1/sites/${siteId}`)).body;
  const siteEvents = async (siteId: string) => (await t.request('GET', `/api/v1/sites/${siteId}/events`)).body.events as { type: string; data: any; metadata: any }[];

  it('DELETE answers the accepted deletion with its planned final backup; the job takes it, is authorized, then removes; the deleted site lists it with where it lives', async () => {
    const siteId = await activeSite();
    await finished((await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'db' })).body.job.id);
    const before = await site(siteId);
    const runsBefore = runner.runs.length;
    const res = await t.request('DELETE', `/api/v1/sites/${siteId}`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      version: before.version + 1,
      job: { id: expect.any(String), kind: 'site.delete' },
      deletionId: expect.any(String),
      finalBackups: [{ environment: 'production', backupId: expect.any(String) }],
    });
    const { backupId } = res.body.finalBackups[0];
    expect(await finished(res.body.job.id)).toMatchObject({ state: 'succeeded' });
    expect((await site(siteId)).state).toBe('DELETED');

    const runs = runner.runs.slice(runsBefore);
    expect(runs.map((r) => r.playbook)).toEqual(['site-backup', 'site-delete']);
    expect(runs[0]!.vars).toMatchObject({ backup_id: backupId, scope: 'full', purpose: 'final', deleted_site_backup_days: 30, env_slug: `fb${counter}` });
    const dir = `/var/lib/pressluft/deleted-site-backups/fb${counter}-${backupId}`;
    expect(runs[1]!.vars).toMatchObject({ final_backup_dir: dir, final_backup_parts: parts });
    expect(JSON.stringify(runs[1]!.vars)).not.toContain('db_password');

    const types = (await siteEvents(siteId)).map((e) => [e.type, e.data.purpose ?? null]);
    expect(types.slice(-4)).toEqual([
      ['SiteDeletionRequested', null],
      ['BackupCompleted', 'final'],
      ['SiteDeletionAuthorized', null],
      ['SiteDeleted', null],
    ]);
    // Its operator backup went with the site's folder; the final backup is listed, with where it lives.
    expect(await listed(siteId)).toEqual([
      expect.objectContaining({ id: backupId, state: 'completed', purpose: 'final', scope: 'full', parts, locations: [{ kind: 'node', nodeId, path: dir }] }),
    ]);

    const eventsBefore = t.eventCount();
    const restore = await t.request('POST', `${envPath(siteId)}/restore`, { backupId });
    expect([restore.status, restore.body.code]).toEqual([422, 'BACKUP_NOT_RESTORABLE']);
    expect(restore.body.message).toContain('restored by hand');
    expect(t.eventCount()).toBe(eventsBefore);
  });

  it('a final backup that fails removes nothing: FINAL_BACKUP_FAILED, site-delete never runs, the site is ACTIVE again with the error', async () => {
    const siteId = await activeSite();
    runner.finalBackupFails = true;
    const runsBefore = runner.runs.length;
    const res = await t.request('DELETE', `/api/v1/sites/${siteId}`);
    const job = await finished(res.body.job.id);
    runner.finalBackupFails = false;
    expect(job).toMatchObject({ state: 'failed', error: { code: 'FINAL_BACKUP_FAILED' } });
    expect(job.error.message).toContain('nothing was removed');
    expect(runner.runs.slice(runsBefore).map((r) => r.playbook)).toEqual(['site-backup']);
    expect(await site(siteId)).toMatchObject({ state: 'ACTIVE', lastError: { code: 'FINAL_BACKUP_FAILED' } });
    const last = (await siteEvents(siteId)).pop()!;
    expect(last).toMatchObject({ type: 'SiteDeletionFailed', data: { phase: 'pre-removal', startedFromFailed: false } });
    expect((await siteEvents(siteId)).map((e) => e.type)).not.toContain('SiteDeletionAuthorized');
    // A second DELETE plans new final backups and goes through.
    const again = await t.request('DELETE', `/api/v1/sites/${siteId}`);
    expect(again.body.finalBackups[0].backupId).not.toBe(res.body.finalBackups[0].backupId);
    await finished(again.body.job.id);
    expect((await site(siteId)).state).toBe('DELETED');
  });

  it('retries a failed backup under the same id from the API and from the job: BackupRetryRequested, a new job, completed; refusals append nothing', async () => {
    const siteId = await activeSite();
    backup.failWith('BACKUP_FAILED', 'mysqldump: out of disk space', false);
    const first = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'db' });
    await finished(first.body.job.id);
    const backupId = first.body.backupId as string;
    expect((await listed(siteId))[0]).toMatchObject({ id: backupId, state: 'failed' });

    // The job's retry (page "Retry" on the job, `pressluft job retry`) re-runs the same backup.
    const viaJob = await t.request('POST', `/api/v1/jobs/${first.body.job.id}/retry`);
    expect(viaJob.status).toBe(202);
    const retriedJob = viaJob.body.job ?? viaJob.body.jobs?.[0];
    expect(retriedJob).toMatchObject({ kind: 'site.backup' });
    await finished(retriedJob.id);
    expect((await listed(siteId))[0]).toMatchObject({ id: backupId, state: 'failed' });

    backup.succeedWith({ contents });
    const res = await t.request('POST', `/api/v1/sites/${siteId}/backups/${backupId}/retry`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ backupId, version: expect.any(Number), job: { id: expect.any(String), kind: 'site.backup' } });
    expect(res.body.job.id).not.toBe(first.body.job.id);
    expect((await listed(siteId))[0]).toMatchObject({ id: backupId, state: expect.stringMatching(/running|completed/) });
    await finished(res.body.job.id);
    const [row, ...others] = await listed(siteId);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ id: backupId, state: 'completed', error: null, parts });
    const retries = (await siteEvents(siteId)).filter((e) => e.type === 'BackupRetryRequested');
    expect(retries.map((e) => [e.data.backupId, e.metadata.actor])).toEqual([
      [backupId, t.token.actor],
      [backupId, t.token.actor],
    ]);

    const before = t.eventCount();
    const cases: [string, number, string][] = [
      [`/api/v1/sites/${siteId}/backups/${backupId}/retry`, 422, 'BACKUP_NOT_RETRYABLE'],
      [`/api/v1/sites/${siteId}/backups/nosuchbackup/retry`, 404, 'BACKUP_NOT_FOUND'],
      [`/api/v1/sites/${siteId}/backups/..%2Fetc/retry`, 400, 'VALIDATION_FAILED'],
      [`/api/v1/sites/nosuchsite/backups/${backupId}/retry`, 404, 'NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const r = await t.request('POST', path);
      expect([path, r.status, r.body.code]).toEqual([path, status, code]);
    }
    expect(t.eventCount()).toBe(before);
  });

  it('the site page has "Retry" on a failed backup row (CSRF), recorded with the user as actor', async () => {
    const siteId = await activeSite();
    backup.failWith('BACKUP_FAILED', 'tar: disk full', false);
    const first = await t.request('POST', `${envPath(siteId)}/backups`, { scope: 'files' });
    await finished(first.body.job.id);
    backup.succeedWith({ contents });
    const session = await t.login();
    const page = await (await fetch(`${t.url}/sites/${siteId}`, { headers: { cookie: session.cookie } })).text();
    const action = `/sites/${siteId}/backups/${first.body.backupId}/retry`;
    expect(page).toContain(`action="${action}"`);
    const post = (csrf: string) =>
      fetch(t.url + action, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf }).toString(),
      });
    expect((await post('wrong')).status).toBe(403);
    expect((await post(session.csrf)).status).toBe(303);
    expect((await siteEvents(siteId)).filter((e) => e.type === 'BackupRetryRequested').pop()).toMatchObject({ data: { backupId: first.body.backupId }, metadata: { actor: expect.stringMatching(/^user:/) } });
    await pollUntil(async () => (await listed(siteId))[0]!.state === 'completed', { timeoutMs: 10_000, description: 'retried backup completed' });
  });
});
