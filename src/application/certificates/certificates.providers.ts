import type { Provider } from '@nestjs/common';
import { FindCertificateWorkHandler } from './find-certificate-work/find-certificate-work.handler';
import { IssueCertificateJobHandler } from './issue-certificate/issue-certificate.job-handler';
import { ListCertificatesHandler } from './list-certificates/list-certificates.handler';
import { RequestCertificateHandler } from './request-certificate/request-certificate.handler';
import { RequestCertificateJobHandler } from './request-certificate/request-certificate.job-handler';

/** Handlers of site certificates (the settings port is bound in src/infrastructure/certificate.providers.ts). */
export const CERTIFICATE_APPLICATION_PROVIDERS: Provider[] = [
  RequestCertificateHandler,
  ListCertificatesHandler,
  FindCertificateWorkHandler,
  IssueCertificateJobHandler,
  RequestCertificateJobHandler,
];
