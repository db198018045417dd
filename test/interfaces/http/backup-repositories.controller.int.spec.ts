import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupRepositoryProjection } from '../../../src/application/projections/backup-repository.projector';
import { ResticCheckScheduler } from '../../../src/infrastructure/scheduler/restic-check.scheduler';
import { rowsAroundRebuild } from '../../support/projection-rebuild';
import { runCli } from '../../support/cli';
import { jobWaiter } from '../../support/job-wait';
import { scriptedEnvironmentDeletionHandler } from '../../support/scripted-deletion';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

const PASSWORD = 'repository-password-4f7c1a';
const KEY_BODY = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ';
const KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`;
const SFTP = 'sftp:backup@10.254.9.1:/srv/restic/web';

describe('backup repositories API, CLI and node page (restic; node side scripted)', () => {
  let t: TestApp;
  const check = new ScriptedHandler('node.backup-repository-check').succeedWith({ initialized: true });
  // a site with a staging clone and backups, for the environment deletion's restic step
  const provision = new ScriptedHandler('site.provision');
  const clone = new ScriptedHandler('site.clone').succeedWith({
    releaseId: 'release-1',
    baseline: { takenAt: '2026-12-03T10:00:00.000Z', database: 's_x', tables: [], uploads: { files: 0, bytes: 0, sha256: 'b'.repeat(64) } },
  });
  const backup = new ScriptedHandler('site.backup').succeedWith({
    contents: { parts: [{ name: 'db', file: 'db.sql.gz', size: 10, sha256: 'a'.repeat(64) }], size: 10, locations: [], releaseId: 'release-1', wordpressVersion: '6.1.9', tableCount: 1 },
  });
  const environmentDeletion = scriptedEnvironmentDeletionHandler(() => t);

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [check, provision, clone, backup, environmentDeletion], env: { PRESSLUFT_RESTIC_CHECK_INTERVAL_MS: '3600000' } });
  });
  afterAll(() => t.close());

  const newNode = async (name: string) => (await t.request('POST', '/api/v1/nodes', { name, host: '10.254.9.2' })).body.node.id as string;
  const repositoryPath = (nodeId: string) => `/api/v1/nodes/${nodeId}/backup-repository`;
  const everything = () => JSON.stringify(t.db.prepare('SELECT data, metadata FROM events').all()) + JSON.stringify(t.db.prepare('SELECT * FROM rm_backup_repositories').all());
  const settled = (nodeId: string) =>
    pollUntil(async () => (await t.request('GET', repositoryPath(nodeId))).body.checkPending === false, { timeoutMs: 10_000, description: 'the check is recorded' });

  it('sets an sftp repository: 202 with its check job; GET shows url and status, never the password or key', async () => {
    const nodeId = await newNode('restic-a');
    const res = await t.request('PUT', repositoryPath(nodeId), { url: SFTP, password: PASSWORD, sftpKey: KEY });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ repository: { nodeId, url: SFTP, kind: 'sftp', sftpKey: true }, job: { kind: 'node.backup-repository-check' } });
    await settled(nodeId);
    const shown = await t.request('GET', repositoryPath(nodeId));
    expect(shown.body).toMatchObject({ url: SFTP, status: 'ok', lastError: null, lastCheckedAt: expect.any(String) });
    const history = await t.request('GET', `/api/v1/nodes/${nodeId}/events`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['NodeBackupRepositorySet', 'BackupRepositoryCheckRequested', 'BackupRepositoryChecked']),
    );
    expect(history.body.events.find((e: { type: string }) => e.type === 'NodeBackupRepositorySet').metadata.actor).toBe(t.token.actor);
    for (const text of [JSON.stringify(res.body), JSON.stringify(shown.body), JSON.stringify(history.body), everything()]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(KEY_BODY);
    }
    // sealed at rest: the secrets table holds neither in the clear
    const sealed = t.db.prepare('SELECT sealed FROM backup_repository_secrets WHERE node_id = ?').get(nodeId) as { sealed: Buffer };
    expect(sealed.sealed.toString('latin1')).not.toContain(PASSWORD);
  });

  it('records a failed check and shows it on the dashboard until a check passes', async () => {
    const nodeId = await newNode('restic-b');
    check.failWith('BACKUP_REPOSITORY_CHECK_FAILED', 'restic check: pack 3fe1 is damaged');
    await t.request('PUT', repositoryPath(nodeId), { url: '/var/backups/restic', password: PASSWORD });
    await settled(nodeId);
    expect((await t.request('GET', repositoryPath(nodeId))).body).toMatchObject({ status: 'failed', lastError: { code: 'BACKUP_REPOSITORY_CHECK_FAILED', message: 'restic check: pack 3fe1 is damaged' } });
    const session = await t.login();
    const dashboard = async () => (await fetch(`${t.url}/`, { headers: { cookie: session.cookie } })).text();
    expect(await dashboard()).toContain('restic check failed');
    check.succeedWith({ initialized: false });
    const again = await t.request('POST', `${repositoryPath(nodeId)}/check`);
    expect(again.status).toBe(202);
    expect(again.body.job).toMatchObject({ kind: 'node.backup-repository-check' });
    await settled(nodeId);
    expect((await t.request('GET', repositoryPath(nodeId))).body.status).toBe('ok');
    expect(await dashboard()).not.toContain(`/nodes/${nodeId}#backup-repository`);
  });

  const bad: [string, Record<string, unknown>, number, string, string | undefined][] = [
    ['a relative url', { url: 'srv/restic', password: PASSWORD }, 400, 'INVALID_BACKUP_REPOSITORY', 'url'],
    ['an s3 url', { url: 's3:host/bucket', password: PASSWORD }, 400, 'INVALID_BACKUP_REPOSITORY', 'url'],
    ['a short password', { url: '/srv/restic', password: 'short' }, 400, 'INVALID_BACKUP_REPOSITORY', 'password'],
    ['sftp without a key', { url: SFTP, password: PASSWORD }, 400, 'INVALID_BACKUP_REPOSITORY', 'sftpKey'],
    ['a public key', { url: SFTP, password: PASSWORD, sftpKey: 'ssh-ed25519 AAAAC3 x' }, 400, 'INVALID_BACKUP_REPOSITORY', 'sftpKey'],
    ['no password', { url: '/srv/restic' }, 400, 'VALIDATION_FAILED', undefined],
    ['an unknown field', { url: '/srv/restic', password: PASSWORD, keepLast: 3 }, 400, 'UNKNOWN_FIELD', undefined],
  ];
  it.each(bad)('PUT with %s: a clear error naming the field, nothing appended or stored', async (_what, body, status, code, field) => {
    const nodeId = await newNode(`restic-bad-${bad.findIndex((b) => b[1] === body)}`);
    const before = t.eventCount();
    const res = await t.request('PUT', repositoryPath(nodeId), body);
    expect([res.status, res.body.code]).toEqual([status, code]);
    if (field) expect(res.body.details.field).toBe(field);
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
    expect(t.eventCount()).toBe(before);
    expect(t.db.prepare('SELECT COUNT(*) AS n FROM backup_repository_secrets WHERE node_id = ?').get(nodeId)).toEqual({ n: 0 });
  });

  it('GET and DELETE without a repository: BACKUP_REPOSITORY_NOT_FOUND (404); an unknown node: 404', async () => {
    const nodeId = await newNode('restic-none');
    expect((await t.request('GET', repositoryPath(nodeId))).body.code).toBe('BACKUP_REPOSITORY_NOT_FOUND');
    const before = t.eventCount();
    const removed = await t.request('DELETE', repositoryPath(nodeId));
    expect([removed.status, removed.body.code]).toEqual([404, 'BACKUP_REPOSITORY_NOT_FOUND']);
    expect(t.eventCount()).toBe(before);
    expect((await t.request('GET', repositoryPath('nosuchnode'))).status).toBe(404);
  });

  it('removes it: NodeBackupRepositoryRemoved, the sealed secrets gone, GET 404', async () => {
    const nodeId = await newNode('restic-c');
    await t.request('PUT', repositoryPath(nodeId), { url: '/srv/restic', password: PASSWORD });
    await settled(nodeId);
    const removed = await t.request('DELETE', repositoryPath(nodeId));
    expect(removed.status).toBe(200);
    expect((await t.request('GET', repositoryPath(nodeId))).status).toBe(404);
    expect(t.db.prepare('SELECT COUNT(*) AS n FROM backup_repository_secrets WHERE node_id = ?').get(nodeId)).toEqual({ n: 0 });
  });

  it('the scheduler asks for a check once the last one is older than the interval, once per round', async () => {
    const nodeId = await newNode('restic-d');
    await t.request('PUT', repositoryPath(nodeId), { url: '/srv/restic', password: PASSWORD });
    await settled(nodeId);
    const scheduler = t.app.get(ResticCheckScheduler);
    const checkedAt = (await t.request('GET', repositoryPath(nodeId))).body.lastCheckedAt as string;
    expect((await scheduler.tick(new Date(Date.parse(checkedAt) + 60_000).toISOString())).requested).not.toContain(nodeId);
    const later = new Date(Date.parse(checkedAt) + 3_600_001).toISOString();
    check.hold();
    expect((await scheduler.tick(later)).requested).toContain(nodeId);
    expect((await scheduler.tick(later)).requested).not.toContain(nodeId); // pending: a second round asks for nothing
    check.release();
    await settled(nodeId);
    const requests = (await t.request('GET', `/api/v1/nodes/${nodeId}/events`)).body.events.filter((e: { type: string }) => e.type === 'BackupRepositoryCheckRequested');
    expect(requests.map((e: { data: { reason: string } }) => e.data.reason)).toEqual(['set', 'scheduled']);
    expect(requests[1].metadata.actor).toBe('system:restic-check-scheduler');
  });

  it("deleting an environment forgets its backups' snapshots in the node's repository first; a failure there removes nothing", async () => {
    const { succeed, finished, jobLog } = jobWaiter((m, p, b) => t.request(m, p, b), 10_000);
    const nodeId = await newNode('restic-env');
    await t.request('PUT', repositoryPath(nodeId), { url: '/srv/restic', password: PASSWORD });
    await settled(nodeId);
    const created = await t.request('POST', '/api/v1/sites', { name: 'Env restic', slug: 'envrestic', nodeId, domain: 'envrestic.example.com', adminEmail: 'a@example.com' });
    const siteId = created.body.site.id as string;
    await succeed(created.body.job.id);
    await succeed((await t.request('POST', `/api/v1/sites/${siteId}/environments`, { name: 'staging', sourceEnvironment: 'production', domain: 'staging.envrestic.example.com' })).body.job.id);
    const backupOf = async (env: string) => {
      const res = await t.request('POST', `/api/v1/sites/${siteId}/environments/${env}/backups`, { scope: 'db' });
      await succeed(res.body.job.id);
      return res.body.backupId as string;
    };
    const production = await backupOf('production');
    const staging = [await backupOf('staging'), await backupOf('staging')];
    const listed = async (env: string) => ((await t.request('GET', `/api/v1/sites/${siteId}/environments/${env}/backups`)).body.items as { id: string }[]).map((b) => b.id);
    const runs = environmentDeletion.runner.runs;

    // restic cannot be reached: the run fails before removing anything, with restic's code
    environmentDeletion.runner.environmentDeleteFails = { code: 'BACKUP_REPOSITORY_UNAVAILABLE', reason: 'restic: Fatal: unable to open repository' };
    const del = await t.request('DELETE', `/api/v1/sites/${siteId}/environments/staging`);
    expect(del.status).toBe(202);
    const failed = await finished(del.body.job.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'BACKUP_REPOSITORY_UNAVAILABLE', message: 'restic: Fatal: unable to open repository' });
    const site = (await t.request('GET', `/api/v1/sites/${siteId}`)).body;
    expect(site.state).toBe('FAILED');
    expect(site.environments.map((e: { name: string }) => e.name)).toEqual(['production', 'staging']);
    expect((await listed('staging')).sort()).toEqual([...staging].sort());

    // the retry forgets exactly the staging backups' snapshots, then the environment is gone
    environmentDeletion.runner.environmentDeleteFails = null;
    const retried = await t.request('POST', `/api/v1/jobs/${del.body.job.id}/retry`);
    expect(retried.status).toBe(202);
    await succeed(retried.body.job.id);
    const last = runs[runs.length - 1];
    expect(last.playbook).toBe('site-environment-delete');
    expect(last.vars).toMatchObject({ env_name: 'staging', restic_repository: { kind: 'local', url: '/srv/restic' }, restic_password: PASSWORD });
    expect([...(last.vars.backup_ids as string[])].sort()).toEqual([...staging].sort());
    expect(last.vars.backup_ids).not.toContain(production);
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body.environments.map((e: { name: string }) => e.name)).toEqual(['production']);
    expect(await listed('production')).toEqual([production]);
    const log = await jobLog(retried.body.job.id);
    expect(log).toContain('forgot the restic snapshots of 2 of its 2 backup(s) in /srv/restic');
    for (const text of [log, JSON.stringify(failed), everything()]) expect(text).not.toContain(PASSWORD);
  });

  it('rebuilds rm_backup_repositories byte-identical from the log', () => {
    const { before, after } = rowsAroundRebuild(t.db, [backupRepositoryProjection], 'SELECT * FROM rm_backup_repositories ORDER BY node_id');
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(after).toEqual(before);
  });

  it('the node page sets and removes it with CSRF, and never shows the password or key', async () => {
    const nodeId = await newNode('restic-page');
    const session = await t.login();
    const page = async () => (await fetch(`${t.url}/nodes/${nodeId}`, { headers: { cookie: session.cookie } })).text();
    expect(await page()).toContain(`action="/nodes/${nodeId}/backup-repository"`);
    const post = (path: string, fields: Record<string, string>, csrf = session.csrf) =>
      fetch(t.url + path, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      });
    const before = t.eventCount();
    expect((await post(`/nodes/${nodeId}/backup-repository`, { url: SFTP, password: PASSWORD, sftpKey: KEY }, 'wrong')).status).toBe(403);
    const refused = await post(`/nodes/${nodeId}/backup-repository`, { url: SFTP, password: PASSWORD, sftpKey: '' });
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('sftp');
    expect(refusedHtml).not.toContain(PASSWORD);
    expect(t.eventCount()).toBe(before);
    expect((await post(`/nodes/${nodeId}/backup-repository`, { url: SFTP, password: PASSWORD, sftpKey: KEY })).status).toBe(303);
    const set = (await t.request('GET', `/api/v1/nodes/${nodeId}/events`)).body.events.find((e: { type: string }) => e.type === 'NodeBackupRepositorySet');
    expect(set.metadata.actor).toMatch(/^user:/);
    const shown = await page();
    expect(shown).toContain(SFTP);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain(KEY_BODY);
    expect((await post(`/nodes/${nodeId}/backup-repository/remove`, {})).status).toBe(303);
    expect((await t.request('GET', repositoryPath(nodeId))).status).toBe(404);
  });

  it('the CLI sets (password on stdin, key from a file), shows and removes it; the password is in no argument', async () => {
    const nodeId = await newNode('restic-cli');
    const dir = mkdtempSync(join(tmpdir(), 'pl-restic-cli-'));
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    const env = { PRESSLUFT_URL: t.url, PRESSLUFT_TOKEN: t.token.secret, HOME: dir };
    const set = await runCli(['node', 'backup-repository', 'set', nodeId, '--url', SFTP, '--sftp-key-file', keyFile], env, `${PASSWORD}\n`);
    expect(set.code).toBe(0);
    await settled(nodeId);
    const shown = await runCli(['node', 'backup-repository', 'show', nodeId], env);
    expect(shown.stdout).toContain(SFTP);
    expect(shown.stdout + shown.stderr + set.stdout + set.stderr).not.toContain(PASSWORD);
    expect(JSON.parse((await runCli(['--json', 'node', 'backup-repository', 'show', nodeId], env)).stdout)).toMatchObject({ url: SFTP, kind: 'sftp', sftpKey: true });
    const bad = await runCli(['node', 'backup-repository', 'set', nodeId, '--url', 'relative/path'], env, `${PASSWORD}\n`);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('INVALID_BACKUP_REPOSITORY');
    expect((await runCli(['node', 'backup-repository', 'remove', nodeId], env)).code).toBe(0);
    expect((await t.request('GET', repositoryPath(nodeId))).status).toBe(404);
    expect(readFileSync(keyFile, 'utf8')).toBe(KEY);
  });
});
