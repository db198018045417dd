import { INestApplicationContext } from '@nestjs/common';
import type { VerifyResult } from '../../application/ports/event-store.port';
import { VerifyEventsQuery } from '../../application/events/verify-events/verify-events.query';
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

/**
 * Starts the control plane. It first walks the hash chain: on a broken chain it refuses to start
 * (naming the first broken event) unless `allowBrokenChain`, so nobody runs on a tampered log unawares.
 */
export async function serve(options: { allowBrokenChain?: boolean } = {}): Promise<void> {
  const settings = cliSettings();
  const logger = new JsonLogger(settings.logLevel, 'stdout', settings.logFormat);
  // Checked in a context without HTTP and worker: nothing runs on the log before it passed.
  const chain = await withContext((ctx) => ctx.get(QueryBus).execute<VerifyEventsQuery, VerifyResult>(new VerifyEventsQuery()));
  if (!chain.ok) {
    const where = `hash chain broken at position ${chain.firstBroken?.globalPosition} (event ${chain.firstBroken?.eventId}): ${chain.firstBroken?.reason}`;
    if (!options.allowBrokenChain) {
      throw new Error(`${where}; not starting (restore a backup, see docs/control-plane-backup.md, or start with --allow-broken-chain)`);
    }
    logger.event('error', 'starting on a broken hash chain (--allow-broken-chain)', { firstBroken: chain.firstBroken });
  }
  const app = await createHttpApp({ settings });
  await app.listen({ host: settings.httpHost, port: settings.httpPort });
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
