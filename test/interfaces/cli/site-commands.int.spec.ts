/**
 * The site commands of the CLI as a real process against the real HTTP app (API token in the
 * environment). The node-side work is not what these tests are about: provisioning and deploys are
 * scripted job handlers here; the real handlers run in test/application/sites/sites.e2e.spec.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../../support/cli';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('pressluft site …', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let nodeId: string;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision'), new ScriptedHandler('site.deploy').succeedWith({ releaseId: 'r2' })] });
    env = { PRESSLUFT_URL: t.url, PRESSLUFT_TOKEN: t.token.secret, HOME: mkdtempSync(join(tmpdir(), 'pl-cli-home-')) };
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'cli-node', host: '10.254.200.2' })).body.node.id;
    dir = mkdtempSync(join(tmpdir(), 'pl-cli-site-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(env.HOME, { recursive: true, force: true });
  });

  it('create prints the generated admin password once; show, list and the events never contain it', async () => {
    const created = await runCli(['site', 'create', '--name', 'Cli Shop', '--node', nodeId, '--domain', 'cli-shop.example.com', '--admin-email', 'a@example.com', '--wait'], env);
    expect(created.code).toBe(0);
    const [passwordLine, idLine] = created.stdout.trim().split('\n');
    const password = /^admin ([A-Za-z0-9]{24})$/.exec(passwordLine)![1];
    const id = idLine.trim();
    expect(created.stderr).toContain('shown only this once');
    const show = await runCli(['site', 'show', id], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('ACTIVE');
    const list = await runCli(['--json', 'site', 'list'], env);
    expect(JSON.parse(list.stdout).items.map((s: { id: string }) => s.id)).toContain(id);
    for (const text of [show.stdout, show.stderr, list.stdout, JSON.stringify(t.db.prepare('SELECT data FROM events').all())]) expect(text).not.toContain(password);
  });

  it('deploy --archive uploads the file and queues the deploy; rollback without a previous release exits 1 with one line', async () => {
    const id = (await runCli(['--json', 'site', 'list'], env).then((r) => JSON.parse(r.stdout).items[0])).id as string;
    const archive = join(dir, 'site.tar.gz');
    writeFileSync(archive, gzipSync(Buffer.from('not really a tar, the scripted deploy does not unpack it')));
    const refused = await runCli(['site', 'rollback', id], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^pressluft: NO_ROLLBACK_TARGET: .* \(HTTP 422\)$/)]);
    const deployed = await runCli(['site', 'deploy', id, '--archive', archive, '--wait'], env);
    expect(deployed.code).toBe(0);
    expect(deployed.stderr).toMatch(/uploaded \d+ bytes as [0-9a-z]+/);
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.environments[0].currentReleaseId === 'r2', { timeoutMs: 10_000 });
    const source = (await t.request('GET', `/api/v1/sites/${id}/events`)).body.events.find((e: { type: string }) => e.type === 'DeployRequested').data.source;
    expect(source).toMatchObject({ type: 'archive', uploadId: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('usage errors exit 2; a refused domain change exits 1 with the API code', async () => {
    const id = (await runCli(['--json', 'site', 'list'], env).then((r) => JSON.parse(r.stdout).items[0])).id as string;
    const both = await runCli(['site', 'deploy', id, '--git', 'https://example.com/x.git', '--wordpress', '6.1'], env);
    expect([both.code, both.stderr.trim()]).toEqual([2, 'pressluft: site deploy needs exactly one of --archive, --git, --wordpress']);
    const bad = await runCli(['site', 'domains', id, '--primary', 'not a domain'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^pressluft: VALIDATION_FAILED/);
  });
});
