import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { APPLICATION_PROVIDERS } from '../application/application.providers';
import type { JobHandler } from '../application/ports/job-queue.port';
import type { Settings } from '../infrastructure/config/settings';
import type { LogTarget } from '../infrastructure/logging/json-logger';
import { authInfrastructureProviders } from '../infrastructure/auth/auth.providers';
import { infrastructureProviders } from '../infrastructure/infrastructure.providers';
import type { Database } from '../infrastructure/sqlite/database';
import { DATABASE } from '../infrastructure/tokens';
import { EventsController } from './http/controllers/events.controller';
import { HealthController } from './http/controllers/health.controller';
import { JobsController } from './http/controllers/jobs.controller';
import { NodesController } from './http/controllers/nodes.controller';
import { SitesController } from './http/controllers/sites.controller';
import { BackupsController } from './http/controllers/backups.controller';
import { BackupRepositoriesController } from './http/controllers/backup-repositories.controller';
import { BackupSchedulesController } from './http/controllers/backup-schedules.controller';
import { CertificatesController } from './http/controllers/certificates.controller';
import { SshController } from './http/controllers/ssh.controller';
import { UploadsController } from './http/controllers/uploads.controller';
import { PAGE_CONTROLLERS, pageProviders } from './pages/pages.module-parts';

export interface AppOptions {
  readonly settings: Settings;
  /** Job handlers by kind; undefined = the production handlers (node.bootstrap, node.health-check). */
  readonly jobHandlers?: JobHandler[];
  /** Where the service log goes (default stdout); tests pass a function to read what the service logged. */
  readonly logTarget?: LogTarget;
}

/** The composition root: adapters, handlers and controllers of one Pressluft process. */
@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  static forRoot(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [SitesController, CertificatesController, BackupsController, BackupSchedulesController, UploadsController, NodesController, BackupRepositoriesController, JobsController, EventsController, HealthController, SshController, ...PAGE_CONTROLLERS],
      providers: [
        ...infrastructureProviders(options.settings, options.jobHandlers),
        ...authInfrastructureProviders(options.settings),
        ...APPLICATION_PROVIDERS,
        ...pageProviders({
          cookieSecure: options.settings.cookieSecure,
          sessionMaxAgeSeconds: options.settings.sessionMaxHours * 3600,
          sseStreamsPerSession: options.settings.sseStreamsPerSession,
        }),
      ],
    };
  }

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}
