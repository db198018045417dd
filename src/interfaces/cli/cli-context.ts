import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { AppModule } from '../app.module';
import { loadSettings, Settings } from '../../infrastructure/config/settings';
import { JsonLogger } from '../../infrastructure/logging/json-logger';
import { createHttpApp } from '../http/create-http-app';

/** The settings every CLI command and `serve` share (environment variables, see docs/configuration.md). */
export function cliSettings(): Settings {
  return loadSettings();
}

/** A Nest context without HTTP and without the worker, on the same data directory as `serve`. */
export async function withContext<T>(fn: (ctx: INestApplicationContext) => Promise<T>): Promise<T> {
  const settings = { ...cliSettings(), workerEnabled: false };
  const ctx = await NestFactory.createApplicationContext(AppModule.forRoot({ settings }), {
    logger: new JsonLogger('warn', 'stderr', settings.logFormat),
    abortOnError: false,
  });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** The same, handing over only the buses (what the CLI's local commands use). */
export function withBuses<T>(fn: (buses: { commands: CommandBus; queries: QueryBus }) => Promise<T>): Promise<T> {
  return withContext((ctx) => fn({ commands: ctx.get(CommandBus), queries: ctx.get(QueryBus) }));
}

export async function serve(): Promise<void> {
  const settings = cliSettings();
  const app = await createHttpApp({ settings });
  await app.listen({ host: settings.httpHost, port: settings.httpPort });
  const logger = new JsonLogger(settings.logLevel, 'stdout', settings.logFormat);
  logger.event('info', 'pressluft listening', { url: `http://${settings.httpHost}:${settings.httpPort}`, dataDir: settings.dataDir });
  // Stop claiming jobs, let running handlers hand their jobs back, close the database, exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.event('info', 'pressluft stopping', { signal });
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
