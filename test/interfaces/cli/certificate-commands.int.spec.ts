/**
 * `pressluft certificate …` as a real process against the real HTTP app (API token in the environment).
 * The certificate job's node side is scripted here (test/playbooks/site-certificate.e2e.spec.ts runs it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

describe('pressluft certificate …', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let siteId: string;
  const certificate = new ScriptedHandler('site.certificate');

  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision'), certificate], env: { PRESSLUFT_ACME_EMAIL: 'ops@example.com', PRESSLUFT_CERT_CHECK_INTERVAL_MS: '0' } });
    env = { PRESSLUFT_URL: t.url, PRESSLUFT_TOKEN: t.token.secret, HOME: mkdtempSync(join(tmpdir(), 'pl-cli-home-')) };
    const nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'cli-tls-node', host: '10.254.252.2' })).body.node.id;
    siteId = (await t.request('POST', '/api/v1/sites', { name: 'Cli Tls', nodeId, domain: 'cli-tls.example.com', adminEmail: 'a@example.com' })).body.site.id;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${siteId}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await t.close();
    rmSync(env.HOME, { recursive: true, force: true });
  });

  it('issue --force --hsts on --wait follows the job; list shows the expiry; the request is recorded with the token', async () => {
    const notAfter = '2099-03-01T00:00:00Z';
    certificate.succeedWith({ renewed: true, serial: 'c0ffee', domains: ['cli-tls.example.com'], notBefore: '2098-12-01T00:00:00Z', notAfter, renewAt: '2099-01-30T00:00:00Z', hsts: true });
    const issued = await runCli(['certificate', 'issue', siteId, '--force', '--hsts', 'on', '--wait'], env);
    expect(issued.code).toBe(0);
    expect(issued.stdout).toContain('succeeded');
    const list = await runCli(['certificate', 'list', siteId], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/production\s+issued\s+cli-tls\.example\.com\s+2099-03-01T00:00:00Z\s+2099-01-30T00:00:00Z\s+c0ffee\s+on/);
    const json = JSON.parse((await runCli(['--json', 'certificate', 'list', siteId, '--env', 'production'], env)).stdout);
    expect(json.items).toEqual([expect.objectContaining({ status: 'issued', hsts: true, certificate: expect.objectContaining({ serial: 'c0ffee', notAfter }) })]);
    const events = (await t.request('GET', `/api/v1/events?stream=certificate-${siteId}`)).body.items;
    expect(events[0]).toMatchObject({ type: 'CertificateRequested', data: { force: true, hsts: true }, metadata: { actor: t.token.actor } });
  });

  it('a failed issuance makes issue --wait exit 1 with the code; bad options exit 2 and send nothing', async () => {
    certificate.failWith('CERT_DOMAIN_UNREACHABLE', 'the ACME server could not fetch the HTTP-01 challenge for cli-tls.example.com', false);
    const failed = await runCli(['certificate', 'issue', siteId, '--wait'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('CERT_DOMAIN_UNREACHABLE');
    const before = t.eventCount();
    const bad = await runCli(['certificate', 'issue', siteId, '--hsts', 'maybe'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringContaining('--hsts must be on or off')]);
    expect(t.eventCount()).toBe(before);
  });
});
