/** Named business rules of the Certificate aggregate (ids are stable: they appear in error details and docs/tls.md). */
export const CERTIFICATE_RULES = {
  /** A certificate is asked for only for an environment that exists. */
  requiresExistingEnvironment: 'certificate-requires-existing-environment',
  /** Not while the site is still being provisioned (no vhost yet) or is being deleted. */
  requiresProvisionedSite: 'certificate-requires-provisioned-site',
  /** One request per environment at a time; a second is refused until the first has finished. */
  oneRequestAtATime: 'certificate-one-request-at-a-time',
  /** The ACME account needs an e-mail (PRESSLUFT_ACME_EMAIL) before anything is asked of a CA. */
  requiresAcmeAccount: 'certificate-requires-acme-account',
  /**
   * An automatic request (after create, after a domain change, a missing one) is made only when the
   * environment has no request for its current names: a second trigger or a replay adds nothing.
   */
  automaticOnlyForNewNames: 'certificate-automatic-only-for-new-names',
  /** Only the environment's last request can be retried, and only once it has failed (its choices carry over). */
  retryOnlyTheLastFailure: 'certificate-retry-only-the-last-failure',
} as const;

/** Site states in which the environment's vhost cannot take a certificate. */
export const SITE_STATES_WITHOUT_CERTIFICATES: readonly string[] = ['PROVISIONING', 'DELETING', 'DELETED'];
