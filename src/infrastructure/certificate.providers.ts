import type { Provider } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { CertificateSettings } from '../application/ports/certificate-settings.port';
import type { Settings } from './config/settings';
import { CertificateScheduler } from './scheduler/certificate.scheduler';

/** The certificate settings port (the CA bundle is read when a job needs it, so a replaced file counts) and the scheduler. */
export function certificateProviders(settings: Settings): Provider[] {
  return [
    {
      provide: CertificateSettings,
      useValue: {
        acmeDirectoryUrl: settings.acmeDirectoryUrl,
        acmeEmail: settings.acmeEmail,
        acmeCaBundle: () => (settings.acmeCaFile ? readFileSync(settings.acmeCaFile, 'utf8') : ''),
        renewShare: settings.certRenewShare,
      } satisfies CertificateSettings,
    },
    CertificateScheduler,
  ];
}
