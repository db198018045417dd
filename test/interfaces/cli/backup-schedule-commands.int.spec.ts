/**
 * `pressluft backup schedule set|show|remove` and `pressluft backup delete` as a real process against
 * the real HTTP app (API token in the environment). The node side is scripted here.
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
  locations: [{ kind: 'node', nodeId: 'n', path: '/var/lib/pressluft/backups/cli-sched/b' }],
  releaseId: null,
  wordpressVersion: '6.1.9',
  tableCount: 12,
};

describe('pressluft backup schedule … / backup delete', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let siteId: string;

  beforeAll(async () => {
    t = await startTestApp({
      jobHandlers: [new ScriptedHandler('site.provision'), new ScriptedHandler('site.backup').succeedWith({ contents }), new ScriptedHandler('site.backup-prune').succeedWith({ deleted: [] })],
    });
    env = { PRESSLUFT_URL: t.url, PRESSLUFT_TOKEN: t.token.secret, HOME: mkdtempSync(join(tmpdir(), 'pl-cli-home-')) };
    const nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'cli-sched-node', host: '10.254.203.2' })).body.node.id;
    siteId = (await t.request('POST', '/api/v1/sites', { name: 'Cli Sched', nodeId, domain: 'cli-sched.example.com', adminEmail: 'a@example.com' })).body.site.id;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${siteId}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await t.close();
    rmSync(env.HOME, { recursive: true, force: true });
  });

  it('schedule set prints the schedule; show shows it; an invalid one exits 1 with its code and changes nothing; remove removes it', async () => {
    const set = await runCli(['backup', 'schedule', 'set', siteId, '--cron', '30 2 * * *', '--tz', 'Europe/Berlin', '--scope', 'db', '--keep-daily', '7', '--keep-weekly', '4'], env);
    expect([set.code, set.stderr]).toEqual([0, '']);
    expect(set.stdout).toMatch(/cron:\s+30 2 \* \* \*/);
    expect(set.stdout).toMatch(/keep:\s+last 0, daily 7, weekly 4, monthly 0/);
    const events = (await t.request('GET', `/api/v1/sites/${siteId}/events`)).body.events;
    expect(events.pop()).toMatchObject({ type: 'BackupScheduleSet', metadata: { actor: t.token.actor } });
    const shown = JSON.parse((await runCli(['--json', 'backup', 'schedule', 'show', siteId], env)).stdout);
    expect(shown).toMatchObject({ cron: '30 2 * * *', timeZone: 'Europe/Berlin', scope: 'db', nextDueAt: expect.any(String) });

    const before = t.eventCount();
    const bad = await runCli(['backup', 'schedule', 'set', siteId, '--cron', '30 2 * *', '--keep-last', '1'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('INVALID_CRON_EXPRESSION');
    const none = await runCli(['backup', 'schedule', 'set', siteId, '--cron', '30 2 * * *'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('INVALID_RETENTION');
    const usage = await runCli(['backup', 'schedule', 'set', siteId, '--cron', '30 2 * * *', '--keep-last', 'many'], env);
    expect(usage.code).toBe(2);
    expect(t.eventCount()).toBe(before);

    expect((await runCli(['backup', 'schedule', 'remove', siteId], env)).code).toBe(0);
    const gone = await runCli(['backup', 'schedule', 'show', siteId], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('BACKUP_SCHEDULE_NOT_FOUND');
  });

  it('backup delete --wait removes a backup from the list; an unknown one exits 1 with BACKUP_NOT_FOUND', async () => {
    expect((await runCli(['backup', 'create', siteId, '--scope', 'db', '--wait'], env)).code).toBe(0);
    const [listed] = JSON.parse((await runCli(['--json', 'backup', 'list', siteId], env)).stdout).items;
    expect(listed).toMatchObject({ state: 'completed' });
    const deleted = await runCli(['backup', 'delete', siteId, listed.id, '--wait'], env);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout + deleted.stderr).toContain('succeeded');
    expect(JSON.parse((await runCli(['--json', 'backup', 'list', siteId], env)).stdout).items).toEqual([]);
    const unknown = await runCli(['backup', 'delete', siteId, 'nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('BACKUP_NOT_FOUND');
  });
});
