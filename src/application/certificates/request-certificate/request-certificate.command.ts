import type { CertificateRequestReason } from '../../../domain/certificate/certificate.events';
import type { CommandMeta } from '../../common/command-meta';

/** Issue or renew the certificate of one environment now (its primary domain and aliases); optionally switch HSTS. */
export class RequestCertificateCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    /** retryOf: the failed request a job retry asks for again (its force and HSTS choices carry over). */
    readonly options: { force?: boolean; hsts?: boolean; reason?: CertificateRequestReason; retryOf?: string },
    readonly meta: CommandMeta,
  ) {}
}
