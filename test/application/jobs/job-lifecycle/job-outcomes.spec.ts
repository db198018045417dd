import { JOB_KINDS } from '../../../../src/application/jobs/job-kinds';
import { JOB_OUTCOMES } from '../../../../src/application/jobs/job-lifecycle/job-outcomes';
import type { JobRecord } from '../../../../src/application/ports/job-queue.port';
import type { DriftBaseline } from '../../../../src/domain/site/site-environment.events';

/* What a finished site.certificate job means: its certificate, and an https switch for the site's clones. */

const job = { id: 'j1', kind: JOB_KINDS.siteCertificate, attempt: 1, payload: { siteId: 's1', environment: 'production', requestId: 'r1' } } as unknown as JobRecord;
const snapshot = (checksum: string): DriftBaseline => ({
  takenAt: '2026-12-04T10:00:00.000Z',
  database: 's_shop',
  prefix: 'wp_',
  tables: [{ name: 'wp_options', rows: 10, checksum, filtered: true }],
  uploads: { files: 0, bytes: 0, sha256: '' },
});
const summary = { renewed: false, serial: 'ab', domains: ['shop.test'], notBefore: 'a', notAfter: 'b', renewAt: 'c', hsts: false };

describe('site.certificate outcome', () => {
  it('given a summary without an https switch, then the certificate alone', () => {
    expect(JOB_OUTCOMES[JOB_KINDS.siteCertificate].succeeded(job, summary)).toMatchObject({ aggregate: 'certificate', command: { type: 'CompleteCertificate', siteId: 's1', environment: 'production', requestId: 'r1' } });
  });
  it('given the snapshots around an https switch, then the certificate and RecordHttpsSwitch for the site', () => {
    const before = snapshot('1');
    const after = snapshot('2');
    const outcome = JOB_OUTCOMES[JOB_KINDS.siteCertificate].succeeded(job, { ...summary, httpsSwitch: { before, after } });
    expect(outcome).toEqual([
      expect.objectContaining({ aggregate: 'certificate', command: expect.objectContaining({ type: 'CompleteCertificate' }) }),
      { aggregate: 'site', command: { type: 'RecordHttpsSwitch', siteId: 's1', environment: 'production', before, after } },
    ]);
  });
});
