import type { Provider } from '@nestjs/common';
import { Clock, IdGenerator } from '../application/ports/clock.port';
import { CommandLog, EventStore } from '../application/ports/event-store.port';
import { JOB_HANDLERS, JobHandler, JobQueueAdmin, JobQueueWriter } from '../application/ports/job-queue.port';
import { MetricsRegistry } from '../application/ports/metrics.port';
import { PromClientMetrics } from './metrics/prom-client-metrics';
import { NodeAccessSettings } from '../application/ports/node-access.port';
import { REAL_JOB_HANDLER_CLASSES } from '../application/application.providers';
import { BackupScheduler } from './scheduler/backup.scheduler';
import { ResticCheckScheduler } from './scheduler/restic-check.scheduler';
import { HealthCheckScheduler } from './scheduler/health-check.scheduler';
import { PruneScheduler } from './scheduler/prune.scheduler';
import { AnchorScheduler } from './scheduler/anchor.scheduler';
import { AnchorArchive, AnchorSigner } from '../application/ports/chain-anchor.port';
import { Ed25519AnchorSigner } from './anchors/ed25519-anchor-signer';
import { FileAnchorArchive } from './anchors/file-anchor-archive';
import { DatabaseBackup } from '../application/ports/database-backup.port';
import { SqliteDatabaseBackup } from './sqlite/sqlite-database-backup';
import { ProjectionRebuilder } from '../application/ports/projection-rebuilder.port';
import { SqlReader } from '../application/ports/sql-reader.port';
import { UnitOfWork } from '../application/ports/unit-of-work.port';
import { ALL_PROJECTIONS } from '../application/projections/all-projections';
import { allReactors } from '../application/reactors/all-reactors';
import type { Settings } from './config/settings';
import { remoteExecutionProviders } from './remote-execution.providers';
import { siteProviders } from './site.providers';
import { certificateProviders } from './certificate.providers';
import { InlineProjections } from './event-store/inline-projections';
import { rebuildProjections } from './event-store/projection-rebuilder';
import { SqliteEventStore } from './event-store/sqlite-event-store';
import { SqliteJobQueue } from './job-queue/sqlite-job-queue';
import { Database, openDatabase } from './sqlite/database';
import { SqliteSqlReader } from './sqlite/sqlite-sql-reader';
import { SqliteUnitOfWork } from './sqlite/sqlite-unit-of-work';
import { SortableIdGenerator } from './system/sortable-id-generator';
import { SystemClock } from './system/system-clock';
import { securePrivateDataDir } from './system/private-data-dir';
import { DATABASE, SETTINGS } from './tokens';
import { WorkerService } from './worker/worker.service';

/**
 * The adapters behind every application port, wired to one SQLite file. `jobHandlers` undefined = the
 * production handlers (node.bootstrap, node.health-check over SSH); tests pass their own (or none).
 */
export function infrastructureProviders(settings: Settings, jobHandlers: JobHandler[] | undefined): Provider[] {
  return [
    { provide: SETTINGS, useValue: settings },
    {
      provide: DATABASE,
      useFactory: () => {
        securePrivateDataDir(settings.dataDir);
        return openDatabase({ file: settings.databaseFile, synchronous: settings.synchronous });
      },
    },
    { provide: Clock, useClass: SystemClock },
    { provide: MetricsRegistry, useClass: PromClientMetrics },
    { provide: IdGenerator, useClass: SortableIdGenerator },
    { provide: SqlReader, useFactory: (db: Database) => new SqliteSqlReader(db), inject: [DATABASE] },
    { provide: UnitOfWork, useFactory: (db: Database) => new SqliteUnitOfWork(db), inject: [DATABASE] },
    {
      provide: SqliteJobQueue,
      useFactory: (db: Database, clock: Clock) =>
        new SqliteJobQueue(db, clock, Math.random, { backoffBaseMs: settings.jobBackoffBaseMs, backoffMaxMs: settings.jobBackoffMaxMs }),
      inject: [DATABASE, Clock],
    },
    { provide: JobQueueAdmin, useExisting: SqliteJobQueue },
    { provide: JobQueueWriter, useExisting: SqliteJobQueue },
    {
      provide: NodeAccessSettings,
      useValue: {
        hostKeyScan: settings.hostKeyScan,
        remoteRoot: settings.remoteRoot.replace(/\/+$/, ''),
        manageFirewall: settings.manageFirewall,
        lockRootLogin: settings.lockRootLogin,
        connectTimeoutMs: settings.sshConnectTimeoutMs,
        deletedSiteBackupDays: settings.deletedSiteBackupDays,
      } satisfies NodeAccessSettings,
    },
    {
      provide: SqliteEventStore,
      useFactory: (db: Database, clock: Clock, ids: IdGenerator, queue: SqliteJobQueue) =>
        new SqliteEventStore(db, clock, ids, new InlineProjections(db, ALL_PROJECTIONS), allReactors({ acmeConfigured: settings.acmeEmail !== '' }), queue),
      inject: [DATABASE, Clock, IdGenerator, SqliteJobQueue],
    },
    { provide: EventStore, useExisting: SqliteEventStore },
    { provide: CommandLog, useExisting: SqliteEventStore },
    {
      provide: ProjectionRebuilder,
      useFactory: (db: Database) => ({ rebuild: () => rebuildProjections(db, ALL_PROJECTIONS) }),
      inject: [DATABASE],
    },
    jobHandlers
      ? { provide: JOB_HANDLERS, useValue: jobHandlers }
      : { provide: JOB_HANDLERS, useFactory: (...handlers: JobHandler[]) => handlers, inject: [...REAL_JOB_HANDLER_CLASSES] },
    WorkerService,
    HealthCheckScheduler,
    PruneScheduler,
    AnchorScheduler,
    BackupScheduler,
    ResticCheckScheduler,
    { provide: AnchorSigner, useFactory: () => new Ed25519AnchorSigner(settings.anchorKeyFile) },
    { provide: AnchorArchive, useFactory: () => new FileAnchorArchive(settings.anchorOffsiteDir) },
    { provide: DatabaseBackup, useFactory: (db: Database) => new SqliteDatabaseBackup(db), inject: [DATABASE] },
    ...remoteExecutionProviders(settings),
    ...siteProviders(settings),
    ...certificateProviders(settings),
  ];
}
