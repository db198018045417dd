/** Settings of the certificate jobs and the renewal scheduler (docs/configuration.md, docs/tls.md). */
export abstract class CertificateSettings {
  /** ACME directory URL (PRESSLUFT_ACME_DIRECTORY_URL). */
  abstract readonly acmeDirectoryUrl: string;
  /** ACME account e-mail; '' = not set, no certificate can be requested (PRESSLUFT_ACME_EMAIL). */
  abstract readonly acmeEmail: string;
  /** PEM text the nodes' ACME client trusts for the directory; '' = the nodes' system store (PRESSLUFT_ACME_CA_FILE, read on each call). */
  abstract acmeCaBundle(): string;
  /** Share of a certificate's lifetime after which it is renewed (PRESSLUFT_CERT_RENEW_SHARE). */
  abstract readonly renewShare: number;
}
