/**
 * A site's certificate through the API, for real: one FULL test node bootstrapped by the control plane,
 * a site provisioned by it, pebble (test/support/pebble.ts) as the ACME server on the node's link, and
 * the production job handlers (site.certificate runs site-certificate.yml over SSH). Proves the chain
 * request → CertificateRequested → job → playbook → CertificateIssued → read model, where the first
 * request is the automatic one right after the site was provisioned (no explicit POST), HTTPS answering
 * with the recorded certificate, a failure recorded without touching the site, the https switch taken
 * into the drift baseline of a clone made before it, and no key anywhere on the control plane. Needs root (test nodes).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { promotionDriftReport } from '../../../src/domain/site/promotion-drift';
import type { DriftBaseline } from '../../../src/domain/site/site-environment.events';
import { SecretBox } from '../../../src/infrastructure/secrets/secret-box';
import { FileControlPlaneKey } from '../../../src/infrastructure/ssh/file-control-plane-key';
import { runCmd } from '../../playbooks/node-ssh';
import { startPebble, Pebble } from '../../support/pebble';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { downNode, ensureTemplate, execOnNode, TestNode, upNode } from '../../support/test-nodes';
import { wordPressArchive } from '../../support/wordpress-archive';

jest.setTimeout(60 * 60_000);

const SLUG = 'tl-shop';
const DOMAIN = 'shop.test';
const STATIC = '/wp-includes/js/jquery/jquery.min.js';
const DB = 's_tl_shop';

describe('site certificates through the API against pebble', () => {
  let t: TestApp;
  let node: TestNode;
  let pebble: Pebble;
  let dataDir: string;
  let work: string;
  let rootFile: string;
  let root: string;
  let siteId: string;
  let issuedSerial: string;

  const finished = (id: string) =>
    pollUntil(
      async () => {
        const j = (await t.request('GET', `/api/v1/jobs/${id}`)).body;
        return ['succeeded', 'failed', 'cancelled'].includes(j.state) ? j : null;
      },
      { timeoutMs: 30 * 60_000, intervalMs: 500, description: `job ${id} finished` },
    );
  const jobLog = async (id: string) => ((await t.request('GET', `/api/v1/jobs/${id}/run-log?limit=500`)).body.lines as { text: string }[]).map((l) => l.text).join('\n');
  const succeed = async (id: string) => {
    const job = await finished(id);
    if (job.state !== 'succeeded') throw new Error(`job ${id} ${job.state}: ${JSON.stringify(job.error)}\n${await jobLog(id)}`);
    return job;
  };
  /** siteurl and home of the site's WordPress, read with SQL on the node. */
  const siteUrls = async () => {
    const r = await execOnNode(node, ['mariadb', '-N', '-B', '-e', `SELECT option_name, option_value FROM ${DB}.wp_options WHERE option_name IN ('home', 'siteurl') ORDER BY option_name`]);
    if (r.code !== 0) throw new Error(`wp_options: ${r.stderr}`);
    return r.stdout.trim().split('\n').map((l) => l.split('\t'));
  };
  const page = async (url: string) =>
    (await runCmd('curl', ['--noproxy', '*', '-sS', '-m', '20', '--cacert', rootFile, '--resolve', `${DOMAIN}:443:${node.ip}`, url])).stdout;
  /** changed (1/0) of the URL rewrite task in the runs of a job. */
  const rewriteChanged = (jobId: string) =>
    t.db.prepare(`SELECT e.changed FROM run_events e JOIN remote_runs r ON r.run_id = e.run_id
                   WHERE r.job_id = ? AND e.event = 'runner_on_ok' AND e.task LIKE 'Rewrite siteurl, home%'`).pluck().all(jobId);
  const certificates = async () => (await t.request('GET', `/api/v1/sites/${siteId}/environments/production/certificates`)).body.items;
  const curl = (url: string) =>
    runCmd('curl', ['--noproxy', '*', '-sS', '-m', '20', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', '--cacert', rootFile,
      '--resolve', `${DOMAIN}:443:${node.ip}`, '--resolve', `${DOMAIN}:80:${node.ip}`, url]);
  const servedSerial = () =>
    new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: node.ip, port: 443, servername: DOMAIN, ca: root }, () => {
        resolve(s.getPeerCertificate().serialNumber.toLowerCase().replace(/^0+/, ''));
        s.end();
      });
      s.on('error', reject);
    });

  beforeAll(async () => {
    await ensureTemplate();
    dataDir = mkdtempSync(join(tmpdir(), 'pl-tls-api-data-'));
    work = mkdtempSync(join(tmpdir(), 'pl-tls-api-work-'));
    const key = FileControlPlaneKey.loadOrCreate(dataDir, SecretBox.openOrCreate(dataDir));
    writeFileSync(join(dataDir, 'cp.pub'), key.publicKey() + '\n');
    node = await upNode('full', 0, [join(dataDir, 'cp.pub')]);
    pebble = await startPebble(node.n);
    writeFileSync(join(work, 'acme-ca.pem'), pebble.listenerCaPem);
    const core = await wordPressArchive(node);
    t = await startTestApp({
      jobHandlers: 'real',
      env: {
        PRESSLUFT_DATA_DIR: dataDir,
        PRESSLUFT_RUN_POLL_MS: '250',
        PRESSLUFT_MANAGE_FIREWALL: 'off',
        PRESSLUFT_WORDPRESS_ARCHIVE: core.path,
        PRESSLUFT_ACME_DIRECTORY_URL: pebble.directoryUrl,
        PRESSLUFT_ACME_EMAIL: 'ops@pressluft.test',
        PRESSLUFT_ACME_CA_FILE: join(work, 'acme-ca.pem'),
        PRESSLUFT_CERT_CHECK_INTERVAL_MS: '0',
      },
    });
    const reg = await t.request('POST', '/api/v1/nodes', { name: 'tls-web', host: node.ip });
    await succeed(reg.body.job.id);
    const created = await t.request('POST', '/api/v1/sites', { name: 'TLS Shop', slug: SLUG, nodeId: reg.body.node.id, domain: DOMAIN, adminEmail: 'owner@example.com' });
    expect(created.status).toBe(202);
    siteId = created.body.site.id;
    await succeed(created.body.job.id);
    root = await pebble.issuingRootPem();
    rootFile = join(work, 'root.pem');
    writeFileSync(rootFile, root);
  });

  afterAll(async () => {
    if (t) await t.close();
    if (pebble) await pebble.stop();
    if (node) await downNode(node);
    for (const dir of [dataDir, work]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('issues the certificate right after create without a request: the job runs site-certificate.yml, the read model shows its expiry, and the site answers over HTTPS with it', async () => {
    // the reactor on SiteProvisioned asked for it (reason created); its site.certificate job ran after the provisioning
    const requested = await pollUntil(
      async () => (await t.request('GET', `/api/v1/events?stream=certificate-${siteId}&type=CertificateRequested`)).body.items[0],
      { timeoutMs: 60_000, intervalMs: 500, description: 'automatic certificate request' },
    );
    expect(requested).toMatchObject({ data: { reason: 'created', domains: [DOMAIN], force: false } });
    const jobs = (await t.request('GET', `/api/v1/jobs?siteId=${siteId}&kind=site.certificate`)).body.items as { id: string; kind: string }[];
    const job = await succeed(jobs.find((j) => j.kind === 'site.certificate')!.id);
    expect(job.siteId).toBe(siteId);

    const [cert] = await certificates();
    expect(cert).toMatchObject({ status: 'issued', domains: [DOMAIN], hsts: false, lastError: null, certificate: { domains: [DOMAIN] } });
    expect(Date.parse(cert.certificate.notAfter)).toBeGreaterThan(Date.now());
    expect(Date.parse(cert.certificate.renewAt)).toBeLessThan(Date.parse(cert.certificate.notAfter));
    issuedSerial = cert.certificate.serial.replace(/^0+/, '');

    expect((await curl(`https://${DOMAIN}${STATIC}`)).stdout).toBe('200 ');
    expect((await curl(`http://${DOMAIN}${STATIC}`)).stdout).toBe(`301 https://${DOMAIN}${STATIC}`);
    expect(await servedSerial()).toBe(issuedSerial);
    const site = (await t.request('GET', `/api/v1/sites/${siteId}`)).body;
    expect(site.state).toBe('ACTIVE');

    // WordPress follows: siteurl and home are https, and its pages link over https
    expect(await siteUrls()).toEqual([['home', `https://${DOMAIN}`], ['siteurl', `https://${DOMAIN}`]]);
    expect(rewriteChanged(job.id)).toEqual([1]);
    const home = await page(`https://${DOMAIN}/`);
    expect(home).toContain(`href="https://${DOMAIN}/`);
    expect(home).not.toContain(`http://${DOMAIN}/`);
  });

  it('records a failed renewal (name pointed elsewhere) with its code; the site stays ACTIVE and keeps serving its certificate', async () => {
    // WordPress URLs back on http (as an operator might have set them): a run that fails switches nothing
    const http = await execOnNode(node, ['mariadb', '-e', `UPDATE ${DB}.wp_options SET option_value = 'http://${DOMAIN}' WHERE option_name IN ('home', 'siteurl')`]);
    expect(http.code).toBe(0);
    // pebble keeps a valid authorization for (account, name) and reuses it in about 1 order in 100 even
    // with PEBBLE_AUTHZREUSE=0 (it reuses when rand.Intn(100) is not above the share), which would skip
    // the validation this test is about. A new ACME account has nothing to reuse: lego registers one
    // when the node has none.
    const noAccount = await execOnNode(node, ['rm', '-rf', '/etc/pressluft/acme/accounts']);
    if (noAccount.code !== 0) throw new Error(`remove the node's ACME account: ${noAccount.stderr}`);
    await pebble.pointDomain(DOMAIN, `10.254.${node.n}.1`);
    try {
      const res = await t.request('POST', `/api/v1/sites/${siteId}/environments/production/certificates`, { force: true });
      const job = await finished(res.body.job.id);
      expect(job).toMatchObject({ state: 'failed', attempt: 1, error: { code: 'CERT_DOMAIN_UNREACHABLE' } });
    } finally {
      await pebble.resetDomain(DOMAIN);
    }
    const [cert] = await certificates();
    expect(cert).toMatchObject({ status: 'failed', lastError: { code: 'CERT_DOMAIN_UNREACHABLE', domains: [DOMAIN] } });
    expect(cert.certificate.serial.replace(/^0+/, '')).toBe(issuedSerial);
    expect(await servedSerial()).toBe(issuedSerial);
    expect((await curl(`https://${DOMAIN}${STATIC}`)).stdout).toBe('200 ');
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body.state).toBe('ACTIVE');
    expect(await siteUrls()).toEqual([['home', `http://${DOMAIN}`], ['siteurl', `http://${DOMAIN}`]]);
    const types = (await t.request('GET', `/api/v1/events?stream=certificate-${siteId}`)).body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(['CertificateRequested', 'CertificateIssued', 'CertificateRequested', 'CertificateFailed']);
  });

  it('switches WordPress to https on the next good run (the certificate kept), and a second run changes nothing', async () => {
    const kept = await succeed((await t.request('POST', `/api/v1/sites/${siteId}/environments/production/certificates`, {})).body.job.id);
    expect(await siteUrls()).toEqual([['home', `https://${DOMAIN}`], ['siteurl', `https://${DOMAIN}`]]);
    expect(rewriteChanged(kept.id)).toEqual([1]);
    const again = await succeed((await t.request('POST', `/api/v1/sites/${siteId}/environments/production/certificates`, {})).body.job.id);
    expect(rewriteChanged(again.id)).toEqual([0]);
    const [cert] = await certificates();
    expect(cert).toMatchObject({ status: 'issued', certificate: { serial: expect.any(String) } });
    expect(cert.certificate.serial.replace(/^0+/, '')).toBe(issuedSerial);
    expect((await t.request('GET', `/api/v1/events?stream=certificate-${siteId}`)).body.items.slice(4).map((e: { type: string }) => e.type)).toEqual([
      'CertificateRequested', 'CertificateKept', 'CertificateRequested', 'CertificateKept',
    ]);
  });

  it('takes the https switch into a staging clone made before it: the clone\'s baseline advances, so a promotion sees no drift where it would without', async () => {
    // production back on http, then a staging clone of it (its baseline holds the http URLs)
    const http = await execOnNode(node, ['mariadb', '-e', `UPDATE ${DB}.wp_options SET option_value = 'http://${DOMAIN}' WHERE option_name IN ('home', 'siteurl')`]);
    expect(http.code).toBe(0);
    const clone = await t.request('POST', `/api/v1/sites/${siteId}/environments`, { name: 'staging', sourceEnvironment: 'production', domain: `staging.${DOMAIN}` });
    expect(clone.status).toBe(202);
    await succeed(clone.body.job.id);
    const siteEvents = async () => (await t.request('GET', `/api/v1/events?stream=site-${siteId}&limit=500`)).body.items as { type: string; data: Record<string, unknown> }[];
    const cloned = (await siteEvents()).find((e) => e.type === 'EnvironmentCloned')!;
    const cloneBaseline = cloned.data.baseline as DriftBaseline;

    // the switch: a run that keeps the certificate and rewrites the URLs, with the snapshots around it
    const job = await succeed((await t.request('POST', `/api/v1/sites/${siteId}/environments/production/certificates`, {})).body.job.id);
    expect(rewriteChanged(job.id)).toEqual([1]);
    expect(await siteUrls()).toEqual([['home', `https://${DOMAIN}`], ['siteurl', `https://${DOMAIN}`]]);
    expect(await jobLog(job.id)).toContain('snapshots around the switch taken for the baselines of staging');
    const advanced = (await siteEvents()).filter((e) => e.type === 'CloneBaselineAdvanced');
    expect(advanced).toHaveLength(1);
    expect(advanced[0].data).toMatchObject({ environment: 'staging', source: 'production', reason: 'https-switch' });
    expect(advanced[0].data.tables).toContain(`wp_options`);
    const staging = (await t.request('GET', `/api/v1/sites/${siteId}`)).body.environments.find((e: { name: string }) => e.name === 'staging');
    // the read model shows the advanced baseline (in its own shape: name, rows, checksum)
    const moved = advanced[0].data.baseline as DriftBaseline;
    expect(staging.cloneBaseline.tables).toEqual(moved.tables.map(({ name, rows, checksum }) => ({ name, rows, checksum })));
    expect(staging.cloneBaseline.uploads).toEqual(cloneBaseline.uploads);

    // the dry run compares production now against the advanced baseline: no drift, for either preset that copies the database
    for (const preset of ['content-protect', 'full']) {
      const dry = await t.request('POST', `/api/v1/sites/${siteId}/environments/staging/promote?dryRun=true`, { target: 'production', preset });
      expect(dry.status).toBe(200);
      expect(dry.body.report).toMatchObject({ blocked: false, tables: [] });
      // the same snapshot against the baseline of the clone alone: the switch would have been drift
      const snapshot = (await siteEvents()).filter((e) => e.type === 'DriftSnapshotTaken').at(-1)!.data.snapshot as DriftBaseline;
      const without = promotionDriftReport({ source: 'staging', target: 'production', preset: preset as 'full', baseline: cloneBaseline, snapshot, extraContentTables: [] });
      expect(without.blocked).toBe(true);
      expect(without.tables.map((x) => x.name)).toContain('wp_options');
    }
  });

  it('keeps the private key on the node: no line of it in events, job logs or run events', async () => {
    const key = await execOnNode(node, ['cat', `/etc/pressluft/tls/${SLUG}/privkey.pem`]);
    expect(key.stdout).toContain('PRIVATE KEY');
    const body = key.stdout.split('\n').filter((l) => l && !l.startsWith('-----'));
    const stored = ['events', 'run_events', 'job_log']
      .map((table) => JSON.stringify(t.db.prepare(`SELECT * FROM ${table}`).all()))
      .join('\n');
    for (const line of body) expect(stored).not.toContain(line);
  });
});
