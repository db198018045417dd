/**
 * Every environment gets its own git deploy key when the site is created: the public half through the
 * API, the CLI and the site page, the private half sealed in the control plane's database and nowhere
 * else the control plane shows or records. Real HTTP app, real SQLite, the real CLI process, and
 * OpenSSH's ssh-keygen to check the key is one `ssh` reads. The clone with it on a node is in
 * test/application/sites/sites.e2e.spec.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiteSecretStore } from '../../../src/application/ports/site-secrets.port';
import { runCli } from '../../support/cli';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('git deploy keys', () => {
  let t: TestApp;
  let dir: string;
  let nodeId: string;

  const createSite = async (slug: string) => {
    const res = await t.request('POST', '/api/v1/sites', { name: `Key ${slug}`, slug, nodeId, domain: `${slug}.example.com`, adminEmail: 'a@example.com' });
    expect(res.status).toBe(202);
    return res.body.site.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision'), new ScriptedHandler('site.deploy').succeedWith({ releaseId: 'r1' })] });
    dir = mkdtempSync(join(tmpdir(), 'pl-deploy-key-'));
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'key-node', host: '10.254.201.2' })).body.node.id;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new site has one: an ed25519 key ssh-keygen reads, its fingerprint as ssh-keygen prints it, named after the environment', async () => {
    const id = await createSite('key-shop');
    const res = await t.request('GET', `/api/v1/sites/${id}/environments/production/deploy-key`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ siteId: id, environment: 'production', publicKey: expect.stringMatching(/^ssh-ed25519 AAAA[0-9A-Za-z+/]+=* pressluft-key-shop$/), fingerprint: expect.stringMatching(/^SHA256:/) });
    writeFileSync(join(dir, 'key.pub'), res.body.publicKey + '\n');
    expect(execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'key.pub')]).toString().split(/\s+/)[1]).toBe(res.body.fingerprint);

    // the private half is the pair of that public key, in the format ssh reads
    const secrets = t.app.get(SiteSecretStore).get(id, 'production')!;
    writeFileSync(join(dir, 'key'), secrets.deployKey!.privateKey, { mode: 0o600 });
    expect(execFileSync('ssh-keygen', ['-y', '-f', join(dir, 'key')]).toString().trim().split(/\s+/).slice(0, 2)).toEqual(res.body.publicKey.split(/\s+/).slice(0, 2));

    // and two sites never share one
    const other = await createSite('key-blog');
    expect((await t.request('GET', `/api/v1/sites/${other}/environments/production/deploy-key`)).body.publicKey).not.toBe(res.body.publicKey);
  });

  it('the private half is in no event, API answer or page', async () => {
    const id = await createSite('key-quiet');
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000, description: 'provisioned' });
    const privateKey = t.app.get(SiteSecretStore).get(id, 'production')!.deployKey!.privateKey;
    const body = privateKey.split('\n').filter((l) => l && !l.startsWith('-----'))[1]; // a line of the key's base64
    const { cookie } = await t.login();
    const page = await (await fetch(`${t.url}/sites/${id}`, { headers: { cookie } })).text();
    const publicKey = (await t.request('GET', `/api/v1/sites/${id}/environments/production/deploy-key`)).body.publicKey as string;
    expect(page).toContain(publicKey);
    const places = {
      events: JSON.stringify(t.db.prepare('SELECT data, metadata FROM events').all()),
      site: JSON.stringify((await t.request('GET', `/api/v1/sites/${id}`)).body),
      history: JSON.stringify((await t.request('GET', `/api/v1/sites/${id}/events`)).body),
      jobs: JSON.stringify(t.db.prepare('SELECT payload, last_error FROM jobs').all()),
      page,
    };
    expect(Object.entries(places).filter(([, text]) => text.includes(body)).map(([place]) => place)).toEqual([]);
  });

  it('takes the SSH URLs a deploy key is used with (ssh://git@host/…, git@host:…); refuses a token in an https URL and changes nothing', async () => {
    const id = await createSite('key-urls');
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000, description: 'provisioned' });
    const deploy = (url: string) => t.request('POST', `/api/v1/sites/${id}/environments/production/deployments`, { source: { type: 'git', url, ref: 'main' } });
    const before = t.eventCount();
    const refused = await deploy('https://oauth2:glpat-secret@git.example.com/org/site.git');
    expect([refused.status, refused.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(JSON.stringify(refused.body)).not.toContain('glpat-secret');
    expect(t.eventCount()).toBe(before);
    for (const url of ['ssh://git@git.example.com:2222/org/site.git', 'git@git.example.com:org/site.git']) {
      const res = await deploy(url);
      expect(res.status).toBe(202);
      await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000, description: 'deployed' });
    }
  });

  it('refuses an unknown site or environment with NOT_FOUND and a bad environment name with VALIDATION_FAILED', async () => {
    const id = await createSite('key-errors');
    expect((await t.request('GET', `/api/v1/sites/01m8zzzzzzzzzzzzzzzzzzzzzz/environments/production/deploy-key`)).body).toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.request('GET', `/api/v1/sites/${id}/environments/staging/deploy-key`)).body).toMatchObject({ code: 'NOT_FOUND' });
    const bad = await t.request('GET', `/api/v1/sites/${id}/environments/Bad_Env/deploy-key`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('`pressluft site deploy-key` prints the public line on stdout and the fingerprint on stderr', async () => {
    const id = await createSite('key-cli');
    const env = { PRESSLUFT_URL: t.url, PRESSLUFT_TOKEN: t.token.secret, HOME: dir };
    const api = (await t.request('GET', `/api/v1/sites/${id}/environments/production/deploy-key`)).body;
    const out = await runCli(['site', 'deploy-key', id], env);
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toBe(api.publicKey);
    expect(out.stderr).toContain(`fingerprint ${api.fingerprint}`);
    const json = await runCli(['--json', 'site', 'deploy-key', id, '--env', 'production'], env);
    expect(JSON.parse(json.stdout)).toEqual(api);
    const missing = await runCli(['site', 'deploy-key', id, '--env', 'staging'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NOT_FOUND/);
  });
});
