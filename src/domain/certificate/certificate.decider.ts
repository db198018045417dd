import { NotFound, RuleViolation } from '../common/domain-error';
import { Decider } from '../common/domain-event';
import { parseEnvironmentName } from '../common/value-objects';
import { CertificateCommand, CompleteCertificate, FailCertificate, RequestCertificate } from './certificate.commands';
import { AUTOMATIC_CERTIFICATE_REASONS, CertificateError, CertificateEvent, CertificateFacts, CertificateRequestReason } from './certificate.events';
import { CERTIFICATE_RULES, SITE_STATES_WITHOUT_CERTIFICATES } from './certificate.rules';

/** requested: a request is running; issued: the last request installed or kept a certificate; failed: it did not. */
export type CertificateStatus = 'none' | 'requested' | 'issued' | 'failed';

export interface CertificateRequest {
  readonly requestId: string;
  readonly domains: readonly string[];
  readonly force: boolean;
  readonly hsts: boolean;
  readonly reason: CertificateRequestReason;
}

/** The certificate of one environment. */
export interface EnvironmentCertificate {
  readonly status: CertificateStatus;
  /** The request running now (status requested), else null. */
  readonly pendingRequestId: string | null;
  readonly lastRequest: CertificateRequest | null;
  /** The certificate the node serves (kept through a failed renewal), else null. */
  readonly current: CertificateFacts | null;
  readonly hsts: boolean;
  readonly lastError: CertificateError | null;
}

export const noCertificate: EnvironmentCertificate = {
  status: 'none',
  pendingRequestId: null,
  lastRequest: null,
  current: null,
  hsts: false,
  lastError: null,
};

/** The certificates of a site, by environment name. */
export interface CertificateState {
  readonly environments: Readonly<Record<string, EnvironmentCertificate>>;
}

export const initialCertificateState: CertificateState = { environments: {} };

/** The certificate of `environment` (noCertificate when it never had a request). */
export function certificateOf(state: CertificateState, environment: string): EnvironmentCertificate {
  return Object.prototype.hasOwnProperty.call(state.environments, environment) ? state.environments[environment] : noCertificate;
}

function requestCertificate(cmd: RequestCertificate, site: CertificateState): CertificateEvent[] {
  const environment = parseEnvironmentName(cmd.environment);
  const state = certificateOf(site, environment);
  // A repeat of the request that is running is a no-op.
  if (state.pendingRequestId === cmd.requestId) return [];
  if (!cmd.target) throw new NotFound('environment', `${cmd.siteId}/${environment}`);
  if (SITE_STATES_WITHOUT_CERTIFICATES.includes(cmd.target.siteState)) {
    throw new RuleViolation(
      CERTIFICATE_RULES.requiresProvisionedSite,
      'INVALID_STATE_TRANSITION',
      `site ${cmd.siteId} is ${cmd.target.siteState}: a certificate can be requested once it is provisioned and until it is deleted`,
      { siteState: cmd.target.siteState },
    );
  }
  const retried = cmd.retryOf === undefined ? null : failedRequestToRetry(cmd.retryOf, environment, state);
  // CERTIFICATE_RULES.automaticOnlyForNewNames: the running or the last request already asked for these names.
  if (AUTOMATIC_CERTIFICATE_REASONS.includes(cmd.reason) && sameNames(state.lastRequest?.domains, cmd.target.domains)) return [];
  if (state.pendingRequestId) {
    throw new RuleViolation(CERTIFICATE_RULES.oneRequestAtATime, 'CERT_REQUEST_PENDING', `a certificate request for ${environment} is already running`, {
      requestId: state.pendingRequestId,
    });
  }
  if (!cmd.acmeConfigured) {
    throw new RuleViolation(
      CERTIFICATE_RULES.requiresAcmeAccount,
      'CERT_ACME_NOT_CONFIGURED',
      'set PRESSLUFT_ACME_EMAIL (the ACME account e-mail; setting it accepts the CA’s terms) before requesting certificates',
    );
  }
  return [
    {
      type: 'CertificateRequested',
      data: {
        siteId: cmd.siteId,
        environment,
        requestId: cmd.requestId,
        domains: [...cmd.target.domains],
        force: cmd.force ?? retried?.force ?? false,
        hsts: cmd.hsts ?? retried?.hsts ?? state.hsts,
        reason: cmd.reason,
      },
    },
  ];
}

/** CERTIFICATE_RULES.retryOnlyTheLastFailure: a request replaced by a later one, or one that did not fail, is no retry. */
function failedRequestToRetry(requestId: string, environment: string, state: EnvironmentCertificate): CertificateRequest {
  const last = state.lastRequest;
  if (!last || last.requestId !== requestId || state.status !== 'failed') {
    throw new RuleViolation(
      CERTIFICATE_RULES.retryOnlyTheLastFailure,
      'JOB_NOT_RETRYABLE',
      `certificate request ${requestId} is not the last failed request of ${environment}: request a certificate instead`,
      { requestId, lastRequestId: last?.requestId ?? null, status: state.status },
    );
  }
  return last;
}

function sameNames(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((name, i) => name === b[i]);
}

/* Reports come from an at-least-once job runner: one for a request that is not running is stale and yields nothing. */
function completeCertificate(cmd: CompleteCertificate, site: CertificateState): CertificateEvent[] {
  const state = certificateOf(site, cmd.environment);
  if (state.pendingRequestId !== cmd.requestId) return [];
  const { serial, domains, notBefore, notAfter, renewAt } = cmd.certificate;
  const data = { siteId: cmd.siteId, environment: cmd.environment, requestId: cmd.requestId, serial, domains, notBefore, notAfter, renewAt, hsts: cmd.hsts };
  return [{ type: cmd.renewed ? 'CertificateIssued' : 'CertificateKept', data }];
}

function failCertificate(cmd: FailCertificate, site: CertificateState): CertificateEvent[] {
  const state = certificateOf(site, cmd.environment);
  if (state.pendingRequestId !== cmd.requestId) return [];
  const domains = cmd.domains?.length ? cmd.domains : (state.lastRequest?.domains ?? []);
  return [{ type: 'CertificateFailed', data: { siteId: cmd.siteId, environment: cmd.environment, requestId: cmd.requestId, error: cmd.error, domains } }];
}

function decide(cmd: CertificateCommand, state: CertificateState): CertificateEvent[] {
  switch (cmd.type) {
    case 'RequestCertificate':
      return requestCertificate(cmd, state);
    case 'CompleteCertificate':
      return completeCertificate(cmd, state);
    case 'FailCertificate':
      return failCertificate(cmd, state);
  }
}

function evolveEnvironment(state: EnvironmentCertificate, event: CertificateEvent): EnvironmentCertificate {
  switch (event.type) {
    case 'CertificateRequested': {
      const { requestId, domains, force, hsts, reason } = event.data;
      return { ...state, status: 'requested', pendingRequestId: requestId, lastRequest: { requestId, domains, force, hsts, reason } };
    }
    case 'CertificateIssued':
    case 'CertificateKept': {
      const { serial, domains, notBefore, notAfter, renewAt, hsts } = event.data;
      return { ...state, status: 'issued', pendingRequestId: null, current: { serial, domains, notBefore, notAfter, renewAt }, hsts, lastError: null };
    }
    case 'CertificateFailed':
      return { ...state, status: 'failed', pendingRequestId: null, lastError: event.data.error };
  }
}

function evolve(state: CertificateState, event: CertificateEvent): CertificateState {
  const environment = event.data.environment;
  return { environments: { ...state.environments, [environment]: evolveEnvironment(certificateOf(state, environment), event) } };
}

export const certificateDecider: Decider<CertificateState, CertificateCommand, CertificateEvent> = {
  initialState: initialCertificateState,
  decide: (command, state) => decide(command, state),
  evolve,
};
