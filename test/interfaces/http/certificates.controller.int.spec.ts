/**
 * Site certificates through the API, the site page and the scheduler, on a real SQLite file with the real
 * worker. The node side (site-certificate.yml against an ACME server) is scripted here: it is proven by
 * test/playbooks/site-certificate.e2e.spec.ts.
 */
import { certificateProjection } from '../../../src/application/projections/certificate.projector';
import type { RowProjection } from '../../../src/application/projections/row-projection';
import { rebuildProjections } from '../../../src/infrastructure/event-store/projection-rebuilder';
import { QueryBus } from '@nestjs/cqrs';
import type { CertificateWork } from '../../../src/application/certificates/find-certificate-work/find-certificate-work.handler';
import { FindCertificateWorkQuery } from '../../../src/application/certificates/find-certificate-work/find-certificate-work.query';
import { CertificateScheduler } from '../../../src/infrastructure/scheduler/certificate.scheduler';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { scriptedDeletionHandler } from '../../support/scripted-deletion';
import { ScriptedHandler } from '../../support/test-job-handlers';

const DAY = 86_400_000;
const issuedSummary = (over: Record<string, unknown> = {}) => ({
  renewed: true,
  serial: 'fa11ed5eed',
  domains: ['shop.example.com'],
  notBefore: new Date(Date.now() - DAY).toISOString(),
  notAfter: new Date(Date.now() + 89 * DAY).toISOString(),
  renewAt: new Date(Date.now() + 59 * DAY).toISOString(),
  hsts: false,
  ...over,
});

describe('site certificates', () => {
  let t: TestApp;
  const provision = new ScriptedHandler('site.provision');
  const domains = new ScriptedHandler('site.domains');
  const certificate = new ScriptedHandler('site.certificate');
  const remove = scriptedDeletionHandler(() => t);
  let nodeId: string;
  let counter = 0;

  beforeAll(async () => {
    // No site.certificate-request handler: the automatic request after create / domain change stays
    // queued, so what runs here is the explicit requests and the scheduler (the automatic one:
    // test/application/reactors/request-certificate-when-site-changed.int.spec.ts).
    t = await startTestApp({
      jobHandlers: [provision, domains, certificate, remove],
      env: { PRESSLUFT_ACME_EMAIL: 'ops@example.com', PRESSLUFT_CERT_CHECK_INTERVAL_MS: '0' },
    });
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'tls-node', host: '10.254.250.2' })).body.node.id;
  });
  afterAll(() => t.close());

  async function activeSite(domain = `shop${++counter}.example.com`): Promise<string> {
    const res = await t.request('POST', '/api/v1/sites', { name: `Shop ${counter}`, nodeId, domain, adminEmail: 'a@example.com' });
    expect(res.status).toBe(202);
    const id = res.body.site.id as string;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${id}`)).body.state === 'ACTIVE', { timeoutMs: 10_000, description: 'site ACTIVE' });
    return id;
  }
  const certPath = (siteId: string, env = 'production') => `/api/v1/sites/${siteId}/environments/${env}/certificates`;
  const finished = (jobId: string) =>
    pollUntil(async () => {
      const job = (await t.request('GET', `/api/v1/jobs/${jobId}`)).body;
      return ['succeeded', 'failed'].includes(job.state) ? job : undefined;
    }, { timeoutMs: 10_000, description: `job ${jobId} finished` });
  const certificateEvents = async (siteId: string) =>
    (await t.request('GET', `/api/v1/events?stream=certificate-${siteId}&limit=100`)).body.items as { type: string; data: any; metadata: any }[];
  const listed = async (siteId: string) => (await t.request('GET', certPath(siteId))).body.items;

  it('issues a certificate: 202 with the job, the request recorded with its actor, then issued with expiry, the site untouched', async () => {
    const siteId = await activeSite('shop.example.com');
    const siteBefore = (await t.request('GET', `/api/v1/sites/${siteId}`)).body;
    certificate.succeedWith(issuedSummary());
    const res = await t.request('POST', certPath(siteId), {});
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ version: 1, job: { id: expect.any(String), kind: 'site.certificate' } });
    const job = await finished(res.body.job.id);
    expect(job).toMatchObject({ state: 'succeeded', siteId });

    const events = await certificateEvents(siteId);
    expect(events.map((e) => e.type)).toEqual(['CertificateRequested', 'CertificateIssued']);
    expect(events[0]).toMatchObject({
      data: { siteId, environment: 'production', domains: ['shop.example.com'], force: false, hsts: false, reason: 'operator' },
      metadata: { actor: t.token.actor },
    });
    expect(events[1].metadata.actor).toBe('system:worker');

    const [cert] = await listed(siteId);
    expect(cert).toMatchObject({
      environment: 'production',
      status: 'issued',
      domains: ['shop.example.com'],
      hsts: false,
      lastError: null,
      certificate: { serial: 'fa11ed5eed', domains: ['shop.example.com'], notAfter: expect.any(String) },
    });
    expect(Date.parse(cert.certificate.notAfter)).toBeGreaterThan(Date.now() + 88 * DAY);
    // the same through the site-wide list
    expect((await t.request('GET', `/api/v1/sites/${siteId}/certificates`)).body.items).toEqual([cert]);
    // a certificate never moves the site's lifecycle: same state, same stream version
    const siteAfter = (await t.request('GET', `/api/v1/sites/${siteId}`)).body;
    expect({ state: siteAfter.state, version: siteAfter.version }).toEqual({ state: siteBefore.state, version: siteBefore.version });
  });

  it('refuses a second request while one runs (409), and records nothing', async () => {
    const siteId = await activeSite();
    certificate.hold().succeedWith(issuedSummary());
    const first = await t.request('POST', certPath(siteId), { force: true });
    expect(first.status).toBe(202);
    const before = t.eventCount();
    const second = await t.request('POST', certPath(siteId), {});
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'CERT_REQUEST_PENDING', details: { rule: 'certificate-one-request-at-a-time' } });
    expect(t.eventCount()).toBe(before);
    expect((await listed(siteId))[0].status).toBe('requested');
    certificate.release();
    await finished(first.body.job.id);
    expect((await listed(siteId))[0].status).toBe('issued');
  });

  it('records a failure with its code and names, keeps the certificate served before, and the site stays ACTIVE', async () => {
    const siteId = await activeSite();
    certificate.succeedWith(issuedSummary({ serial: 'aa01' }));
    await finished((await t.request('POST', certPath(siteId), {})).body.job.id);
    certificate.failWith('CERT_DOMAIN_UNREACHABLE', 'the ACME server could not fetch the HTTP-01 challenge for www.x.example', false, { domains: ['www.x.example'] });
    const job = await finished((await t.request('POST', certPath(siteId), { force: true })).body.job.id);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'CERT_DOMAIN_UNREACHABLE' } });
    const [cert] = await listed(siteId);
    expect(cert).toMatchObject({
      status: 'failed',
      certificate: { serial: 'aa01' },
      lastError: { code: 'CERT_DOMAIN_UNREACHABLE', domains: ['www.x.example'] },
    });
    expect((await certificateEvents(siteId)).map((e) => e.type)).toEqual(['CertificateRequested', 'CertificateIssued', 'CertificateRequested', 'CertificateFailed']);
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body.state).toBe('ACTIVE');
  });

  it('switches HSTS and keeps the choice for later requests', async () => {
    const siteId = await activeSite();
    certificate.succeedWith(issuedSummary({ renewed: false, hsts: true }));
    await finished((await t.request('POST', certPath(siteId), { hsts: true })).body.job.id);
    expect(await listed(siteId)).toEqual([expect.objectContaining({ status: 'issued', hsts: true })]);
    certificate.succeedWith(issuedSummary({ renewed: false, hsts: true }));
    await finished((await t.request('POST', certPath(siteId), {})).body.job.id);
    const events = await certificateEvents(siteId);
    expect(events.map((e) => e.type)).toEqual(['CertificateRequested', 'CertificateKept', 'CertificateRequested', 'CertificateKept']);
    expect(events[2].data.hsts).toBe(true);
  });

  it('refuses bad input with a clear error and appends nothing', async () => {
    const siteId = await activeSite();
    const before = t.eventCount();
    const cases: [string, unknown, number, string][] = [
      [certPath(siteId), { force: 'yes' }, 400, 'VALIDATION_FAILED'],
      [certPath(siteId), { hsts: 1 }, 400, 'VALIDATION_FAILED'],
      [certPath(siteId), { key: 'x' }, 400, 'UNKNOWN_FIELD'],
      [certPath(siteId, 'staging'), {}, 404, 'NOT_FOUND'],
      [certPath(siteId, 'Bad_Env'), {}, 400, 'VALIDATION_FAILED'],
      [certPath('nosuchsite'), {}, 404, 'NOT_FOUND'],
    ];
    for (const [path, body, status, code] of cases) {
      const res = await t.request('POST', path, body);
      expect([path, res.status, res.body.code]).toEqual([path, status, code]);
      expect(typeof res.body.message).toBe('string');
    }
    expect(t.eventCount()).toBe(before);
    expect((await t.request('GET', certPath(siteId, 'staging'))).status).toBe(404);
  });

  it('takes the request from the site page form, recorded with the signed-in user', async () => {
    const siteId = await activeSite();
    const session = await t.login();
    certificate.succeedWith(issuedSummary());
    const res = await fetch(`${t.url}/sites/${siteId}/certificates`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: new URLSearchParams({ _csrf: session.csrf, env: 'production', force: 'on', hsts: 'on' }).toString(),
    });
    expect(res.status).toBe(303);
    const [requested] = await certificateEvents(siteId);
    expect(requested).toMatchObject({ type: 'CertificateRequested', data: { force: true, hsts: true }, metadata: { actor: `user:${t.admin.id}` } });
    await pollUntil(async () => (await listed(siteId))[0]?.status === 'issued', { timeoutMs: 10_000 });
    const page = await (await fetch(`${t.url}/sites/${siteId}`, { headers: { cookie: session.cookie } })).text();
    expect(page).toContain('HTTPS certificates');
    expect(page).toContain(issuedSummary().notAfter.slice(0, 10));
    expect(page).toContain(`action="/sites/${siteId}/certificates"`);
  });

  it('warns on the dashboard about failed and overdue certificates, and lists the soonest expiries', async () => {
    const siteId = await activeSite();
    certificate.succeedWith(issuedSummary({ serial: 'overdue1', renewAt: new Date(Date.now() - DAY).toISOString() }));
    await finished((await t.request('POST', certPath(siteId), {})).body.job.id);
    const session = await t.login();
    const page = await (await fetch(`${t.url}/`, { headers: { cookie: session.cookie } })).text();
    expect(page).toMatch(/\d+ certificate\(s\) need a look/);
    expect(page).toContain('renewal overdue');
    expect(page).toContain('CERT_DOMAIN_UNREACHABLE'); // the failed one from above
    expect(page).toContain(`href="/sites/${siteId}#certificates"`);
    expect(page).toContain('Expiring first');
  });

  describe('scheduler', () => {
    const round = async () => {
      const ids = await t.app.get(CertificateScheduler).tick();
      for (const id of ids) await finished(id);
      return ids;
    };
    const reasons = async (siteId: string) => (await certificateEvents(siteId)).filter((e) => e.type === 'CertificateRequested').map((e) => e.data.reason);

    it('requests missing certificates, renewals due by lifetime share, and new names after a domain change, one per environment', async () => {
      certificate.succeedWith(issuedSummary());
      await round(); // every site above already has a request; this round settles sites without one
      const siteId = await activeSite();
      // a new site gets its first certificate
      expect(await round()).toHaveLength(1);
      expect(await reasons(siteId)).toEqual(['missing']);
      // nothing due: nothing requested
      expect(await round()).toEqual([]);

      // a certificate whose renewal time has passed is renewed; a round while it runs adds nothing
      certificate.succeedWith(issuedSummary({ renewAt: new Date(Date.now() - 1000).toISOString() }));
      await finished((await t.request('POST', certPath(siteId), { force: true })).body.job.id);
      certificate.hold().succeedWith(issuedSummary());
      const scheduler = t.app.get(CertificateScheduler);
      const queued = await scheduler.tick();
      expect(queued).toHaveLength(1);
      expect(await scheduler.tick()).toEqual([]);
      certificate.release();
      await finished(queued[0]);
      expect(await reasons(siteId)).toEqual(['missing', 'operator', 'renewal']);
      const renewal = (await certificateEvents(siteId)).filter((e) => e.type === 'CertificateRequested').pop()!;
      expect(renewal.metadata.actor).toBe('system:scheduler');

      // new names: asked for again with the environment's current domains
      const change = await t.request('PUT', `/api/v1/sites/${siteId}/environments/production/domains`, { primary: `renamed${counter}.example.com`, aliases: [`www.renamed${counter}.example.com`] });
      expect(change.status).toBe(202);
      await finished(change.body.job.id);
      expect(await round()).toHaveLength(1);
      const last = (await certificateEvents(siteId)).filter((e) => e.type === 'CertificateRequested').pop()!;
      expect(last.data).toMatchObject({ reason: 'domains-changed', domains: [`renamed${counter}.example.com`, `www.renamed${counter}.example.com`] });
    });

    it('asks again for a failed renewal only 6 hours after the failure, not every round', async () => {
      await round();
      const siteId = await activeSite();
      certificate.succeedWith(issuedSummary({ renewAt: new Date(Date.now() - DAY).toISOString() }));
      await finished((await t.request('POST', certPath(siteId), {})).body.job.id);
      certificate.failWith('CERT_ACME_FAILED', 'the ACME client failed: server error', false);
      await finished((await t.request('POST', certPath(siteId), { force: true })).body.job.id);
      const work = (hoursFromNow: number) =>
        t.app
          .get(QueryBus)
          .execute<FindCertificateWorkQuery, CertificateWork[]>(new FindCertificateWorkQuery(new Date(Date.now() + hoursFromNow * 3_600_000).toISOString()))
          .then((items) => items.filter((w) => w.siteId === siteId));
      expect(await work(0)).toEqual([]);
      expect(await work(5)).toEqual([]);
      expect(await work(7)).toEqual([{ siteId, environment: 'production', reason: 'renewal' }]);
    });

    it('does not repeat a first issuance that failed (the operator issues again once DNS is fixed)', async () => {
      await round();
      const siteId = await activeSite();
      certificate.failWith('CERT_DOMAIN_UNREACHABLE', 'points elsewhere', false);
      expect(await round()).toHaveLength(1);
      expect(await round()).toEqual([]);
      expect((await listed(siteId))[0]).toMatchObject({ status: 'failed', certificate: null });
    });
  });

  it('rebuilds rm_certificates from the log to exactly the rows the inline projection wrote, and drops a deleted site’s rows', async () => {
    const rows = () => t.db.prepare('SELECT * FROM rm_certificates ORDER BY site_id, environment').all() as { site_id: string }[];
    const siteId = await activeSite();
    certificate.succeedWith(issuedSummary());
    await finished((await t.request('POST', certPath(siteId), {})).body.job.id);
    expect(rows().filter((r) => r.site_id === siteId)).toHaveLength(1);
    await finished((await t.request('DELETE', `/api/v1/sites/${siteId}`)).body.job.id);
    expect(rows().filter((r) => r.site_id === siteId)).toEqual([]);
    const before = rows();
    expect(before.length).toBeGreaterThan(5);
    rebuildProjections(t.db, [certificateProjection as unknown as RowProjection]);
    expect(rows()).toEqual(before);
  });
});

describe('site certificates without an ACME account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision')] });
  });
  afterAll(() => t.close());

  it('refuses with CERT_ACME_NOT_CONFIGURED and appends nothing', async () => {
    const nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'n', host: '10.254.251.2' })).body.node.id;
    const siteId = (await t.request('POST', '/api/v1/sites', { name: 'S', nodeId, domain: 's.example.com', adminEmail: 'a@example.com' })).body.site.id;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${siteId}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
    const before = t.eventCount();
    const res = await t.request('POST', `/api/v1/sites/${siteId}/environments/production/certificates`, {});
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'CERT_ACME_NOT_CONFIGURED', message: expect.stringContaining('PRESSLUFT_ACME_EMAIL') });
    expect(t.eventCount()).toBe(before);
    expect((await t.request('GET', `/api/v1/sites/${siteId}/environments/production/certificates`)).body).toEqual({ items: [] });
  });
});
