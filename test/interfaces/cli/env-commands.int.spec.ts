/**
 * `pressluft env clone|delete` as a real process against the real HTTP app. The node-side work is
 * scripted here; the real clone runs in test/application/sites/sites.e2e.spec.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('pressluft env …', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let siteId: string;
  let nodeId: string;
  const baseline = { takenAt: '2026-12-03T10:00:00.000Z', database: 's_cli_env', tables: [{ name: 'wp_posts', rows: 1, checksum: '5' }], uploads: { files: 0, bytes: 0, sha256: 'f'.repeat(64) } };

  beforeAll(async () => {
    t = await startTestApp({
      jobHandlers: [new ScriptedHandler('site.provision'), new ScriptedHandler('site.clone').succeedWith({ releaseId: 'release-1', baseline }), new ScriptedHandler('site.environment-delete')],
    });
    env = { PRESSLUFT_URL: t.url, PRESSLUFT_TOKEN: t.token.secret, HOME: mkdtempSync(join(tmpdir(), 'pl-cli-home-')) };
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'cli-env-node', host: '10.254.201.2' })).body.node.id;
    siteId = (await t.request('POST', '/api/v1/sites', { name: 'Cli Env', slug: 'cli-env', nodeId, domain: 'cli-env.example.com', adminEmail: 'a@example.com' })).body.site.id;
    await pollUntil(async () => ((await t.request('GET', `/api/v1/sites/${siteId}`)).body.state === 'ACTIVE' ? true : undefined), { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await t.close();
    rmSync(env.HOME, { recursive: true, force: true });
  });

  it('clone --wait makes the environment, show lists it with its status; delete --wait removes it', async () => {
    const cloned = await runCli(['env', 'clone', siteId, '--name', 'staging', '--domain', 'staging.cli-env.example.com', '--wait'], env);
    expect(cloned.code).toBe(0);
    expect(cloned.stderr).toMatch(/environment staging \(clone [0-9a-z]+\)/);
    const view = (await t.request('GET', `/api/v1/sites/${siteId}`)).body;
    expect(view.environments.find((e: { name: string }) => e.name === 'staging')).toMatchObject({ status: 'active', clonedFrom: 'production', cloneBaseline: baseline });
    const show = await runCli(['site', 'show', siteId], env);
    expect(show.stdout).toMatch(/staging\s+active\s+production/);
    const deleted = await runCli(['env', 'delete', siteId, 'staging', '--wait'], env);
    expect(deleted.code).toBe(0);
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body.environments.map((e: { name: string }) => e.name)).toEqual(['production']);
  });

  it('refusals exit 1 with the API code in one line; usage errors exit 2', async () => {
    const across = await runCli(['env', 'clone', siteId, '--name', 'qa', '--domain', 'qa.cli-env.example.com', '--node', 'othernode1'], env);
    expect(across.code).toBe(1);
    expect(across.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^pressluft: CLONE_ACROSS_NODES_UNSUPPORTED: .* \(HTTP 422\)$/)]);
    const prod = await runCli(['env', 'delete', siteId, 'production'], env);
    expect(prod.code).toBe(1);
    expect(prod.stderr).toMatch(/^pressluft: PRODUCTION_NOT_DELETABLE/);
    const usage = await runCli(['env', 'clone', siteId, '--name', 'Bad_Name', '--domain', 'x.example.com'], env);
    expect(usage.code).toBe(2);
    const json = await runCli(['--json', 'env', 'clone', siteId, '--name', 'qa', '--domain', 'qa.cli-env.example.com'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ environment: 'qa', cloneId: expect.any(String), job: { kind: 'site.clone' } });
  });
});
