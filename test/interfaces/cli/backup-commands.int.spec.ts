/**
 * `pressluft backup create|list|retry` and `pressluft restore` as a real process against the real HTTP app
 * (API token in the environment). The node side is scripted here (test/application/sites/backups.e2e.spec.ts runs it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

const contents = {
  parts: [{ name: 'db', file: 'db.sql.gz', size: 4096, sha256: 'd'.repeat(64) }],
  size: 4096,
  locations: [{ kind: 'node', nodeId: 'n', path: '/var/lib/pressluft/backups/cli-bk/b' }],
  releaseId: null,
  wordpressVersion: '6.1.9',
  tableCount: 12,
};

describe('pressluft backup … / restore', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let siteId: string;
  const backup = new ScriptedHandler('site.backup').succeedWith({ contents });
  const restore = new ScriptedHandler('site.restore');

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision'), backup, restore] });
    env = { PRESSLUFT_URL: t.url, PRESSLUFT_TOKEN: t.token.secret, HOME: mkdtempSync(join(tmpdir(), 'pl-cli-home-')) };
    const nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'cli-bk-node', host: '10.254.253.2' })).body.node.id;
    siteId = (await t.request('POST', '/api/v1/sites', { name: 'Cli Bk', nodeId, domain: 'cli-bk.example.com', adminEmail: 'a@example.com' })).body.site.id;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${siteId}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await t.close();
    rmSync(env.HOME, { recursive: true, force: true });
  });

  it('backup create --scope db --wait follows the job; list shows it; the request is recorded with the token', async () => {
    const made = await runCli(['backup', 'create', siteId, '--scope', 'db', '--wait'], env);
    expect(made.code).toBe(0);
    expect(made.stdout + made.stderr).toContain('succeeded');
    const list = await runCli(['backup', 'list', siteId], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/completed\s+db\s+operator\s+4096\s+db\s+node:\/var\/lib\/pressluft\/backups\/cli-bk\/b/);
    const json = JSON.parse((await runCli(['--json', 'backup', 'list', siteId, '--env', 'production'], env)).stdout);
    expect(json.items).toEqual([expect.objectContaining({ state: 'completed', scope: 'db', size: 4096 })]);
    const events = (await t.request('GET', `/api/v1/sites/${siteId}/events`)).body.events;
    expect(events.find((e: { type: string }) => e.type === 'BackupRequested')).toMatchObject({ data: { scope: 'db' }, metadata: { actor: t.token.actor } });
  });

  it('restore --wait exits 1 with the code of a refused restore; bad options exit 2 and send nothing', async () => {
    const [listed] = JSON.parse((await runCli(['--json', 'backup', 'list', siteId], env)).stdout).items;
    restore.failWith('BACKUP_CORRUPT', 'part db.sql.gz does not match its manifest', false, { phase: 'pre-overwrite' });
    const failed = await runCli(['restore', siteId, listed.id, '--wait'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('BACKUP_CORRUPT');
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body.state).toBe('ACTIVE');
    const before = t.eventCount();
    const bad = await runCli(['backup', 'create', siteId, '--scope', 'everything'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--scope must be db, files or full');
    expect((await runCli(['restore', siteId], env)).code).not.toBe(0);
    expect(t.eventCount()).toBe(before);
  });

  it('backup retry --wait runs a failed backup again under its id, recorded with the token; a completed one exits 1 with BACKUP_NOT_RETRYABLE', async () => {
    backup.failWith('BACKUP_FAILED', 'mysqldump: out of disk space', false);
    const made = await runCli(['--json', 'backup', 'create', siteId, '--scope', 'db'], env);
    const { backupId, job } = JSON.parse(made.stdout) as { backupId: string; job: { id: string } };
    await pollUntil(async () => ['failed'].includes((await t.request('GET', `/api/v1/jobs/${job.id}`)).body.state), { timeoutMs: 10_000 });
    backup.succeedWith({ contents });
    const retried = await runCli(['backup', 'retry', siteId, backupId, '--wait'], env);
    expect(retried.code).toBe(0);
    expect(retried.stdout + retried.stderr).toContain(`backup ${backupId}`);
    expect(retried.stdout + retried.stderr).toContain('succeeded');
    const items = JSON.parse((await runCli(['--json', 'backup', 'list', siteId], env)).stdout).items as { id: string; state: string }[];
    expect(items.find((b) => b.id === backupId)).toMatchObject({ state: 'completed' });
    const events = (await t.request('GET', `/api/v1/sites/${siteId}/events`)).body.events as { type: string; metadata: { actor: string } }[];
    expect(events.filter((e) => e.type === 'BackupRetryRequested').pop()).toMatchObject({ metadata: { actor: t.token.actor } });
    const again = await runCli(['backup', 'retry', siteId, backupId], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('BACKUP_NOT_RETRYABLE');
  });
});
