/**
 * Child process for the HTTP benchmark: serves either the real Nest app or a bare Fastify route on
 * 127.0.0.1 and a free port, then reports the port over IPC. Runs in its own process so autocannon
 * (in the parent) does not share the server's event loop.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { CreateApiTokenCommand } from '../../src/application/auth/create-api-token/create-api-token.command';
import type { CreateApiTokenResult } from '../../src/application/auth/create-api-token/create-api-token.handler';
import { loadSettings } from '../../src/infrastructure/config/settings';
import { createHttpApp } from '../../src/interfaces/http/create-http-app';
import { openBenchDb } from './env';
import { toPage } from '../../src/application/common/page';
import { toSiteSummary, type SiteRow } from '../../src/application/sites/site.view';

async function main(): Promise<void> {
  const [mode, dataDir, dbFile] = process.argv.slice(2);
  let port: number;
  let token: string | undefined;
  let close: () => Promise<unknown>;
  if (mode === 'nest') {
    const settings = {
      ...loadSettings({
        PRESSLUFT_DATA_DIR: dataDir,
        PRESSLUFT_LOG_LEVEL: 'warn',
        PRESSLUFT_WORKER: 'off',
        PRESSLUFT_DB_SYNCHRONOUS: 'NORMAL',
      }),
      databaseFile: dbFile,
    };
    const app = await createHttpApp({ settings });
    await app.listen(0, '127.0.0.1');
    // The product path includes authentication: a real read-only API token, verified on every request.
    const created = await app
      .get(CommandBus)
      .execute<CreateApiTokenCommand, CreateApiTokenResult>(
        new CreateApiTokenCommand('bench', 'read', { actor: 'cli:bench', commandId: randomUUID(), correlationId: randomUUID() }),
      );
    token = created.secret ?? undefined;
    port = (app.getHttpServer().address() as AddressInfo).port;
    close = () => app.close();
  } else {
    const db = openBenchDb(dbFile, 'NORMAL');
    // The exact SQL text readPage builds for ?limit=100 (no cursor, no filter), fetched limit+1.
    const page = db.prepare('SELECT * FROM rm_sites  ORDER BY created_at, id LIMIT @limit');
    const app = Fastify({ logger: false });
    app.get('/api/v1/sites', async (request) => {
      const limit = Number((request.query as { limit?: string }).limit ?? 50);
      return toPage(page.all({ limit: limit + 1 }) as SiteRow[], limit, toSiteSummary);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    close = async () => {
      await app.close();
      db.close();
    };
  }
  process.send?.({ port, token });
  process.on('message', (m) => {
    if (m === 'stop') void close().finally(() => process.exit(0));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
