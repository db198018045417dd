/**
 * The automatic certificate request right after a site was provisioned and after a domain change
 * (request-certificate-when-site-provisioned / -when-domains-changed reactors and the
 * site.certificate-request job handler), on a real SQLite file with the real worker, the real command bus
 * and the real request job handler. The node side (site.provision, site.domains, site.certificate) is
 * scripted: site-certificate.yml is proven by the e2e suites against pebble.
 */
import { CommandBus } from '@nestjs/cqrs';
import { RequestCertificateJobHandler } from '../../../src/application/certificates/request-certificate/request-certificate.job-handler';
import type { JobContext, JobHandler, JobRecord } from '../../../src/application/ports/job-queue.port';
import { rebuildProjections } from '../../../src/infrastructure/event-store/projection-rebuilder';
import { ALL_PROJECTIONS } from '../../../src/application/projections/all-projections';
import { CertificateScheduler } from '../../../src/infrastructure/scheduler/certificate.scheduler';
import { pollUntil } from '../../support/poll-until';
import { startTestApp, TestApp } from '../../support/test-app';
import { ScriptedHandler } from '../../support/test-job-handlers';

const DAY = 86_400_000;
const issued = (domains: string[]) => ({
  renewed: true,
  serial: `5e${domains.length}`,
  domains,
  notBefore: new Date(Date.now() - DAY).toISOString(),
  notAfter: new Date(Date.now() + 89 * DAY).toISOString(),
  renewAt: new Date(Date.now() + 59 * DAY).toISOString(),
  hsts: false,
});

type Ev = { type: string; streamId: string; data: any; metadata: any };

describe('a certificate is requested right after create and after every domain change', () => {
  let t: TestApp;
  const provision = new ScriptedHandler('site.provision');
  const domains = new ScriptedHandler('site.domains');
  const certificate = new ScriptedHandler('site.certificate');
  // the production handler, built on the app's own command bus once the app exists
  let real: RequestCertificateJobHandler;
  const request: JobHandler = { kind: 'site.certificate-request', handle: (ctx) => real.handle(ctx) };
  let nodeId: string;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp({
      jobHandlers: [provision, domains, certificate, request],
      env: { PRESSLUFT_ACME_EMAIL: 'ops@example.com', PRESSLUFT_CERT_CHECK_INTERVAL_MS: '0' },
    });
    real = new RequestCertificateJobHandler(t.app.get(CommandBus));
    nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'auto-tls', host: '10.254.252.2' })).body.node.id;
  });
  afterAll(() => t.close());

  const events = (stream: string) => t.db.prepare('SELECT type, stream_id AS streamId, data, metadata FROM events WHERE stream_id = ? ORDER BY global_position').all(stream)
    .map((e: any) => ({ ...e, data: JSON.parse(e.data), metadata: JSON.parse(e.metadata) })) as Ev[];
  const jobsOf = (siteId: string, kind: string) =>
    t.db.prepare('SELECT id, state, payload, concurrency_key AS concurrencyKey, actor FROM jobs WHERE site_id = ? AND kind = ? ORDER BY created_at').all(siteId, kind) as {
      id: string; state: string; payload: string; concurrencyKey: string | null; actor: string;
    }[];
  const certificateSettled = (siteId: string, count: number) =>
    pollUntil(() => events(`certificate-${siteId}`).filter((e) => e.type !== 'CertificateRequested').length >= count || undefined, {
      timeoutMs: 10_000,
      description: `${count} certificate outcome(s) of ${siteId}`,
    });
  const jobsSettled = () =>
    pollUntil(() => (t.db.prepare("SELECT COUNT(*) FROM jobs WHERE site_id IS NOT NULL AND state IN ('queued', 'running', 'retry_wait')").pluck().get() as number) === 0 || undefined, {
      timeoutMs: 10_000,
      description: 'no unfinished site job',
    });

  async function createSite(): Promise<{ siteId: string; domain: string }> {
    const domain = `auto${++n}.example.com`;
    certificate.succeedWith(issued([domain]));
    const res = await t.request('POST', '/api/v1/sites', { name: `Auto ${n}`, nodeId, domain, adminEmail: 'a@example.com' });
    expect(res.status).toBe(202);
    return { siteId: res.body.site.id, domain };
  }

  it('requests the certificate of a new site without an explicit request (reason created), after the site is ACTIVE, as its own job', async () => {
    const { siteId, domain } = await createSite();
    await certificateSettled(siteId, 1);
    const site = events(`site-${siteId}`);
    expect(site.map((e) => e.type)).toEqual(['SiteCreated', 'SiteProvisioned']);
    const certs = events(`certificate-${siteId}`);
    expect(certs.map((e) => e.type)).toEqual(['CertificateRequested', 'CertificateIssued']);
    expect(certs[0].data).toMatchObject({ domains: [domain], reason: 'created', force: false });
    // caused by the SiteProvisioned event, through the request job: recorded with who and why
    const [requestJob] = jobsOf(siteId, 'site.certificate-request');
    expect(requestJob).toMatchObject({ state: 'succeeded', concurrencyKey: null, actor: 'system:worker' });
    expect(JSON.parse(requestJob.payload)).toMatchObject({ siteId, environment: 'production', reason: 'created' });
    expect(certs[0].metadata).toMatchObject({ actor: 'system:worker', correlationId: site[0].metadata.correlationId });
    expect(jobsOf(siteId, 'site.certificate')).toEqual([expect.objectContaining({ state: 'succeeded', concurrencyKey: `site:${siteId}` })]);
    const [cert] = (await t.request('GET', `/api/v1/sites/${siteId}/environments/production/certificates`)).body.items;
    expect(cert).toMatchObject({ status: 'issued', reason: 'created', certificate: { domains: [domain] } });
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body).toMatchObject({ state: 'ACTIVE', version: 2 });
  });

  it('requests a certificate for the new names after a domain change (reason domains-changed)', async () => {
    const { siteId } = await createSite();
    await certificateSettled(siteId, 1);
    const primary = `renamed${n}.example.com`;
    certificate.succeedWith(issued([primary, `www.${primary}`]));
    const change = await t.request('PUT', `/api/v1/sites/${siteId}/environments/production/domains`, { primary, aliases: [`www.${primary}`] });
    expect(change.status).toBe(202);
    await certificateSettled(siteId, 2);
    const requested = events(`certificate-${siteId}`).filter((e) => e.type === 'CertificateRequested');
    expect(requested.map((e) => [e.data.reason, e.data.domains])).toEqual([
      ['created', [`auto${n}.example.com`]],
      ['domains-changed', [primary, `www.${primary}`]],
    ]);
    expect(events(`certificate-${siteId}`).pop()!.type).toBe('CertificateIssued');
  });

  it('never delays or fails the site operation: the site is ACTIVE while the certificate job waits, and a failed issuance leaves it so', async () => {
    certificate.hold();
    const { siteId } = await createSite();
    await pollUntil(() => events(`certificate-${siteId}`).length === 1 || undefined, { timeoutMs: 10_000, description: 'request recorded' });
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body.state).toBe('ACTIVE');
    expect(jobsOf(siteId, 'site.provision')[0].state).toBe('succeeded');
    certificate.failWith('CERT_DOMAIN_UNREACHABLE', 'points elsewhere', false);
    certificate.release();
    await jobsSettled();
    expect(jobsOf(siteId, 'site.certificate')[0].state).toBe('failed');
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body).toMatchObject({ state: 'ACTIVE', version: 2 });
    expect(events(`certificate-${siteId}`).map((e) => e.type)).toEqual(['CertificateRequested', 'CertificateFailed']);
  });

  it('reports a request it may not make (one for the old names is waiting) in its log, not as a failure; the scheduler asks for the new names later', async () => {
    const { siteId, domain } = await createSite();
    await certificateSettled(siteId, 1);
    domains.hold();
    const primary = `moved${n}.example.com`;
    const change = await t.request('PUT', `/api/v1/sites/${siteId}/environments/production/domains`, { primary, aliases: [] });
    expect(change.status).toBe(202);
    await pollUntil(() => domains.started.includes(change.body.job.id) || undefined, { timeoutMs: 10_000, description: 'domain change running' });
    // an operator asks for the old name while the domain change runs: that certificate job waits behind it
    certificate.succeedWith(issued([domain]));
    expect((await t.request('POST', `/api/v1/sites/${siteId}/environments/production/certificates`, { force: true })).status).toBe(202);
    domains.release();
    await jobsSettled();
    const requests = jobsOf(siteId, 'site.certificate-request');
    expect(requests.map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
    const log = t.db.prepare('SELECT text FROM job_log WHERE job_id = ? ORDER BY seq').pluck().all(requests[1].id).join('\n');
    expect(log).toContain('not requested: CERT_REQUEST_PENDING');
    expect((await t.request('GET', `/api/v1/sites/${siteId}`)).body.state).toBe('ACTIVE');
    certificate.succeedWith(issued([primary]));
    expect(await t.app.get(CertificateScheduler).tick()).toHaveLength(1);
    await jobsSettled();
    const requested = events(`certificate-${siteId}`).filter((e) => e.type === 'CertificateRequested');
    expect(requested.map((e) => [e.data.reason, e.data.domains])).toEqual([
      ['created', [domain]],
      ['operator', [domain]],
      ['domains-changed', [primary]],
    ]);
  });

  it('requests once: a job run again, a projection rebuild and the scheduler add nothing', async () => {
    const { siteId } = await createSite();
    await certificateSettled(siteId, 1);
    await jobsSettled();
    const before = t.eventCount();
    const jobsBefore = t.db.prepare('SELECT COUNT(*) FROM jobs').pluck().get();
    // the request job delivered again (at-least-once worker): the command id is the causing event's
    const row = t.db.prepare("SELECT * FROM jobs WHERE site_id = ? AND kind = 'site.certificate-request'").get(siteId) as Record<string, unknown>;
    const job = { ...row, payload: JSON.parse(String(row.payload)), actor: row.actor, correlationId: row.correlation_id } as unknown as JobRecord;
    const ctx = { job, signal: new AbortController().signal, log: () => undefined, setRemoteRunId: () => undefined, addSecret: () => undefined, scrub: <T>(v: T) => v } as JobContext;
    expect(await real.handle(ctx)).toMatchObject({ summary: { requested: true } });
    // rebuilt read models run no reactor, and the scheduler sees the request for the site's names
    rebuildProjections(t.db, ALL_PROJECTIONS);
    expect(await t.app.get(CertificateScheduler).tick()).toEqual([]);
    expect(t.eventCount()).toBe(before);
    expect(t.db.prepare('SELECT COUNT(*) FROM jobs').pluck().get()).toBe(jobsBefore);
    expect(events(`certificate-${siteId}`).filter((e) => e.type === 'CertificateRequested')).toHaveLength(1);
  });
});

describe('no automatic certificate request without an ACME account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ jobHandlers: [new ScriptedHandler('site.provision'), new ScriptedHandler('site.certificate-request')] });
  });
  afterAll(() => t.close());

  it('queues no request job and records no certificate event when PRESSLUFT_ACME_EMAIL is not set', async () => {
    const nodeId = (await t.request('POST', '/api/v1/nodes', { name: 'n', host: '10.254.253.2' })).body.node.id;
    const siteId = (await t.request('POST', '/api/v1/sites', { name: 'S', nodeId, domain: 'plain.example.com', adminEmail: 'a@example.com' })).body.site.id;
    await pollUntil(async () => (await t.request('GET', `/api/v1/sites/${siteId}`)).body.state === 'ACTIVE', { timeoutMs: 10_000 });
    expect(t.db.prepare("SELECT COUNT(*) FROM jobs WHERE kind LIKE 'site.certificate%'").pluck().get()).toBe(0);
    expect(t.db.prepare("SELECT COUNT(*) FROM events WHERE stream_id LIKE 'certificate-%'").pluck().get()).toBe(0);
  });
});
