/**
 * `pressluft site delete` as a real process against the real HTTP app and SQLite (API token in the
 * environment). Provisioning is scripted to get an ACTIVE site; no handler is registered for
 * site.delete, so the deletion job stays queued and no node is contacted (the real deletion runs in
 * the e2e suites).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('pressluft site delete', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let nodeId: string;

  const eventsOf = (siteId: string, type: string) =>
    (t.db.prepare('SELECT type, data, metadata FROM events WHERE stream_id = ? AND type = ?').all(`site-${siteId}`, type) as { data: string; metadata: string }[]).map((r) => ({
      data: JSON.parse(r.data) as Record<string, unknown>,
      metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    }));
  const jobsOf = (siteId: string, kind: string) =>
    t.db.prepare('SELECT id, kind, state, actor, payload FROM jobs WHERE site_id = ? AND kind = ?').all(siteId, kind) as { id: string; state: string; actor: string; payload: string }[];

  async function activeSite(slug: string): Promise<string> {
    const created = await t.request('POST', '/api/v1/sites', { name: slug, slug, nodeId, domain: `${slug}.example.com`, adminEmail: 'a@example.com' });
    expect(created.status).toBe(202);
    const id = created.body.site.id as string;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000, description: `${slug} ACTIVE` });
    return id;
  }

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision')] });
    env = { PRESSLUFT_URL: t.url, PRESSLUFT_TOKEN: t.token.secret, HOME: mkdtempSync(join(tmpdir(), 'pl-cli-home-')) };
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'cli-delete-node', host: '10.254.200.3' })).body.node.id;
  });
  afterAll(async () => {
    await t.close();
    rmSync(env.HOME, { recursive: true, force: true });
  });

  it('given an ACTIVE site, when site delete runs, then SiteDeletionRequested is recorded with the token as actor, the final backup and the queued site.delete job are printed, and the site is DELETING', async () => {
    const id = await activeSite('cli-del-a');
    const result = await runCli(['site', 'delete', id], env);
    expect(result.code).toBe(0);
    const [requested] = eventsOf(id, 'SiteDeletionRequested');
    expect(requested).toMatchObject({ data: { siteId: id, environments: ['production'], finalBackups: [{ environment: 'production' }] }, metadata: { actor: t.token.actor } });
    const backupId = (requested.data.finalBackups as { backupId: string }[])[0].backupId;
    const jobs = jobsOf(id, 'site.delete');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: 'queued', actor: t.token.actor });
    expect(JSON.parse(jobs[0].payload)).toEqual({ siteId: id, environments: ['production'] });
    expect(result.stderr).toContain(`final backup of production: ${backupId}`);
    expect(result.stderr).toContain(`delete: job ${jobs[0].id} (site.delete) queued; follow it with: pressluft job wait ${jobs[0].id}`);
    expect((await t.request('GET', `/api/v1/sites/${id}`)).body.state).toBe('DELETING');
  });

  it('given --json, when site delete runs, then stdout is the API answer with the job and the planned final backups', async () => {
    const id = await activeSite('cli-del-json');
    const result = await runCli(['--json', 'site', 'delete', id], env);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ job: { id: jobsOf(id, 'site.delete')[0].id, kind: 'site.delete' }, finalBackups: [{ environment: 'production', backupId: expect.any(String) }] });
  });

  it('given a site already DELETING, when site delete runs again, then it exits 1 with one line naming the refusal and appends nothing', async () => {
    const id = await activeSite('cli-del-twice');
    expect((await runCli(['site', 'delete', id], env)).code).toBe(0);
    const before = t.eventCount();
    const again = await runCli(['site', 'delete', id], env);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^pressluft: SITE_BUSY: .* \(HTTP 409\)$/)]);
    expect(t.eventCount()).toBe(before);
    expect(jobsOf(id, 'site.delete')).toHaveLength(1);
  });

  it('given an unknown id or a malformed one, when site delete runs, then it exits non-zero with one line and appends nothing', async () => {
    const before = t.eventCount();
    const unknown = await runCli(['site', 'delete', 'doesnotexist0'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^pressluft: NOT_FOUND: .* \(HTTP 404\)$/)]);
    const malformed = await runCli(['site', 'delete', 'Not-An-Id'], env);
    expect([malformed.code, malformed.stderr.trim()]).toEqual([2, 'pressluft: site delete needs an id (lower-case letters and digits)']);
    expect(t.eventCount()).toBe(before);
  });
});
