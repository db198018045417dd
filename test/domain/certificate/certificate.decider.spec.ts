import { NotFound, RuleViolation, InvalidValue } from '../../../src/domain/common/domain-error';
import { certificateDecider } from '../../../src/domain/certificate/certificate.decider';
import { CertificateEvent } from '../../../src/domain/certificate/certificate.events';
import { RequestCertificate } from '../../../src/domain/certificate/certificate.commands';
import { CERTIFICATE_RULES } from '../../../src/domain/certificate/certificate.rules';
import { given } from '../../support/decider-spec';

const facts = { serial: 'ab12', domains: ['shop.example', 'www.shop.example'], notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-04-01T00:00:00Z', renewAt: '2026-03-01T08:00:00Z' };
const base = { siteId: 's1', environment: 'production' };

const request = (over: Partial<RequestCertificate> = {}): RequestCertificate => ({
  type: 'RequestCertificate',
  ...base,
  requestId: 'r1',
  target: { siteState: 'ACTIVE', domains: ['shop.example', 'www.shop.example'] },
  acmeConfigured: true,
  reason: 'operator',
  ...over,
});

const requested = (requestId = 'r1', over: Partial<{ hsts: boolean; force: boolean }> = {}): CertificateEvent => ({
  type: 'CertificateRequested',
  data: { ...base, requestId, domains: ['shop.example', 'www.shop.example'], force: false, hsts: false, reason: 'operator', ...over },
});
const issued = (requestId = 'r1', hsts = false): CertificateEvent => ({ type: 'CertificateIssued', data: { ...base, requestId, ...facts, hsts } });

describe('certificate decider', () => {
  describe('RequestCertificate', () => {
    it('records the request with the environment’s domains, HSTS off at first', () => {
      given(certificateDecider).when(request()).then([requested()]);
    });

    it('keeps the current HSTS choice unless the request names one', () => {
      given(certificateDecider, [requested('r1', { hsts: true }), issued('r1', true)]).when(request({ requestId: 'r2' })).then([requested('r2', { hsts: true })]);
      given(certificateDecider, [requested('r1', { hsts: true }), issued('r1', true)])
        .when(request({ requestId: 'r2', hsts: false, force: true, reason: 'renewal' }))
        .then([{ type: 'CertificateRequested', data: { ...requested('r2').data, hsts: false, force: true, reason: 'renewal' } } as CertificateEvent]);
    });

    it('is a no-op when the running request is repeated', () => {
      given(certificateDecider, [requested()]).when(request()).then([]);
    });

    it('refuses a second request while one is running', () => {
      given(certificateDecider, [requested()]).when(request({ requestId: 'r2' })).thenThrows(RuleViolation, 'CERT_REQUEST_PENDING', CERTIFICATE_RULES.oneRequestAtATime);
    });

    it('refuses an environment that does not exist', () => {
      given(certificateDecider).when(request({ target: null })).thenThrows(NotFound, 'NOT_FOUND');
      given(certificateDecider).when(request({ environment: 'Bad Name' })).thenThrows(InvalidValue, 'VALIDATION_FAILED');
    });

    it.each(['PROVISIONING', 'DELETING', 'DELETED'])('refuses while the site is %s', (siteState) => {
      given(certificateDecider)
        .when(request({ target: { siteState, domains: ['shop.example'] } }))
        .thenThrows(RuleViolation, 'INVALID_STATE_TRANSITION', CERTIFICATE_RULES.requiresProvisionedSite);
    });

    it('accepts a FAILED or busy site (certificates never change its lifecycle state)', () => {
      given(certificateDecider).when(request({ target: { siteState: 'FAILED', domains: ['shop.example'] } })).thenState({ environments: { production: expect.objectContaining({ status: 'requested', pendingRequestId: 'r1' }) } });
      given(certificateDecider).when(request({ target: { siteState: 'DEPLOYING', domains: ['shop.example'] } })).thenState({ environments: { production: expect.objectContaining({ status: 'requested' }) } });
    });

    it('refuses when no ACME account e-mail is configured', () => {
      given(certificateDecider).when(request({ acmeConfigured: false })).thenThrows(RuleViolation, 'CERT_ACME_NOT_CONFIGURED', CERTIFICATE_RULES.requiresAcmeAccount);
    });

    describe('automatic requests (created, domains-changed, missing)', () => {
      const renamed = { siteState: 'ACTIVE', domains: ['new.example'] };

      it('records the first request of a new site with its reason', () => {
        given(certificateDecider)
          .when(request({ reason: 'created' }))
          .then([{ type: 'CertificateRequested', data: { ...requested().data, reason: 'created' } } as CertificateEvent]);
      });

      it.each(['created', 'domains-changed', 'missing'] as const)('adds nothing (%s) when the last or the running request asked for the same names', (reason) => {
        given(certificateDecider, [requested(), issued()]).when(request({ requestId: 'r2', reason })).then([]);
        given(certificateDecider, [requested()]).when(request({ requestId: 'r2', reason })).then([]);
      });

      it('asks again for new names after a domain change, and refuses while a request for the old names runs', () => {
        given(certificateDecider, [requested(), issued()])
          .when(request({ requestId: 'r2', reason: 'domains-changed', target: renamed }))
          .then([{ type: 'CertificateRequested', data: { ...requested('r2').data, domains: ['new.example'], reason: 'domains-changed' } } as CertificateEvent]);
        given(certificateDecider, [requested()])
          .when(request({ requestId: 'r2', reason: 'domains-changed', target: renamed }))
          .thenThrows(RuleViolation, 'CERT_REQUEST_PENDING', CERTIFICATE_RULES.oneRequestAtATime);
      });

      it('leaves operator requests and renewals alone: they ask again for the same names', () => {
        given(certificateDecider, [requested(), issued()]).when(request({ requestId: 'r2' })).then([requested('r2')]);
      });
    });
  });

  describe('RequestCertificate as the retry of a failed request (retryOf)', () => {
    const failedEvent = (requestId: string): CertificateEvent => ({
      type: 'CertificateFailed',
      data: { ...base, requestId, error: { code: 'CERT_INSTALL_FAILED', message: 'nginx -t failed' }, domains: ['shop.example', 'www.shop.example'] },
    });

    it("asks again with the failed request's force and HSTS choices, for today's names, as an operator request", () => {
      given(certificateDecider, [requested('r1', { hsts: true, force: true }), failedEvent('r1')])
        .when(request({ requestId: 'r2', retryOf: 'r1', target: { siteState: 'ACTIVE', domains: ['shop.example'] } }))
        .then([{ type: 'CertificateRequested', data: { ...base, requestId: 'r2', domains: ['shop.example'], force: true, hsts: true, reason: 'operator' } }]);
    });

    it('refuses a request that a later one replaced, one that succeeded, and one still running', () => {
      const refuse = (history: CertificateEvent[]) =>
        given(certificateDecider, history).when(request({ requestId: 'r9', retryOf: 'r1' })).thenThrows(RuleViolation, 'JOB_NOT_RETRYABLE', CERTIFICATE_RULES.retryOnlyTheLastFailure);
      refuse([requested('r1'), failedEvent('r1'), requested('r2'), issued('r2')]);
      refuse([requested('r1'), issued('r1')]);
      refuse([requested('r1')]);
      refuse([]);
    });
  });

  describe('CompleteCertificate', () => {
    const complete = (renewed: boolean, requestId = 'r1') => ({ type: 'CompleteCertificate' as const, ...base, requestId, renewed, certificate: facts, hsts: false });

    it('records a newly installed certificate as issued', () => {
      given(certificateDecider, [requested()]).when(complete(true)).then([issued()]);
    });

    it('records a kept certificate when the node did not need a new one', () => {
      given(certificateDecider, [requested()]).when(complete(false)).then([{ type: 'CertificateKept', data: { ...base, requestId: 'r1', ...facts, hsts: false } }]);
    });

    it('ignores a report for a request that is not running (stale or repeated)', () => {
      given(certificateDecider, [requested(), issued()]).when(complete(true)).then([]);
      given(certificateDecider, [requested()]).when(complete(true, 'other')).then([]);
    });

    it('leaves the state issued with the certificate’s facts', () => {
      given(certificateDecider, [requested()]).when(complete(true)).thenState({ environments: { production: { status: 'issued', pendingRequestId: null, lastRequest: expect.any(Object), current: facts, hsts: false, lastError: null } } });
    });
  });

  describe('FailCertificate', () => {
    const error = { code: 'CERT_DOMAIN_UNREACHABLE', message: 'the ACME server could not fetch …' };
    const fail = (domains?: string[]) => ({ type: 'FailCertificate' as const, ...base, requestId: 'r2', error, ...(domains ? { domains } : {}) });

    it('records the failure with the names it is about, and keeps the certificate served before', () => {
      const history = [requested(), issued(), requested('r2')];
      given(certificateDecider, history).when(fail(['www.shop.example'])).then([
        { type: 'CertificateFailed', data: { ...base, requestId: 'r2', error, domains: ['www.shop.example'] } },
      ]);
      given(certificateDecider, history).when(fail()).thenState({ environments: { production: expect.objectContaining({ status: 'failed', pendingRequestId: null, current: facts, lastError: error }) } });
    });

    it('names every requested domain when the failure names none', () => {
      given(certificateDecider, [requested('r2')]).when(fail()).then([
        { type: 'CertificateFailed', data: { ...base, requestId: 'r2', error, domains: ['shop.example', 'www.shop.example'] } },
      ]);
    });

    it('keeps each environment apart: a request runs per environment', () => {
      given(certificateDecider, [requested()]).when(request({ environment: 'staging', requestId: 'r9' })).then([
        { type: 'CertificateRequested', data: { ...requested('r9').data, environment: 'staging' } } as CertificateEvent,
      ]);
      given(certificateDecider, [requested()]).when({ ...fail(), environment: 'staging' }).then([]);
    });

    it('ignores a failure for a request that is not running', () => {
      given(certificateDecider, [requested()]).when(fail()).then([]);
    });
  });
});
