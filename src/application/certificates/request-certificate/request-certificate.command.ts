import type { CertificateRequestReason } from '../../../domain/certificate/certificate.events';
import type { CommandMeta } from '../../common/command-meta';

/** Issue or renew the certificate of one environment now (its primary domain and aliases); optionally switch HSTS. */
export class RequestCertificateCommand {
  constructor(
    readonly siteId: string,
    readonly environment: string,
    readonly options: { force?: boolean; hsts?: boolean; reason?: CertificateRequestReason },
    readonly meta: CommandMeta,
  ) {}
}
