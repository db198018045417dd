import type { Provider } from '@nestjs/common';
import { join } from 'node:path';
import { Clock, IdGenerator } from '../application/ports/clock.port';
import { DeployKeyGenerator } from '../application/ports/deploy-key-generator.port';
import { BackupRepositorySecretStore } from '../application/ports/backup-repository-secrets.port';
import { SiteSecretStore } from '../application/ports/site-secrets.port';
import { SiteSettings } from '../application/ports/site-settings.port';
import { UploadStore } from '../application/ports/upload-store.port';
import { WordPressCoreSource } from '../application/ports/wordpress-core.port';
import type { Settings } from './config/settings';
import { SecretBox } from './secrets/secret-box';
import { SqliteBackupRepositorySecretStore } from './secrets/sqlite-backup-repository-secret-store';
import { SqliteSiteSecretStore } from './secrets/sqlite-site-secret-store';
import { FileUploadStore } from './sites/file-upload-store';
import { ArchiveWordPressCoreSource } from './sites/wordpress-core-source';
import { Ssh2DeployKeyGenerator } from './ssh/ssh2-deploy-key-generator';
import type { Database } from './sqlite/database';
import { DATABASE } from './tokens';

/** What the site jobs and the site API need besides SSH: sealed secrets, deploy keys, uploads, WordPress core, settings. */
export function siteProviders(settings: Settings): Provider[] {
  return [
    {
      provide: SiteSecretStore,
      useFactory: (db: Database, box: SecretBox, clock: Clock) => new SqliteSiteSecretStore(db, box, clock),
      inject: [DATABASE, SecretBox, Clock],
    },
    {
      provide: BackupRepositorySecretStore,
      useFactory: (db: Database, box: SecretBox, clock: Clock) => new SqliteBackupRepositorySecretStore(db, box, clock),
      inject: [DATABASE, SecretBox, Clock],
    },
    { provide: DeployKeyGenerator, useClass: Ssh2DeployKeyGenerator },
    {
      provide: UploadStore,
      useFactory: (db: Database, clock: Clock, ids: IdGenerator) => new FileUploadStore(db, settings.dataDir, clock, ids),
      inject: [DATABASE, Clock, IdGenerator],
    },
    {
      provide: WordPressCoreSource,
      useValue: new ArchiveWordPressCoreSource({ archive: settings.wordpressArchive ?? undefined, cacheDir: join(settings.dataDir, 'wordpress') }),
    },
    { provide: SiteSettings, useValue: { uploadMaxMb: settings.siteUploadMaxMb, uploadMaxBytes: settings.uploadMaxBytes } satisfies SiteSettings },
  ];
}
