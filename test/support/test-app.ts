import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { JobHandler } from '../../src/application/ports/job-queue.port';
import { loadSettings, Settings } from '../../src/infrastructure/config/settings';
import { DATABASE } from '../../src/infrastructure/tokens';
import type { Database } from '../../src/infrastructure/sqlite/database';
import { createHttpApp } from '../../src/interfaces/http/create-http-app';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  db: Database;
  dataDir: string;
  settings: Settings;
  /** fetch against the app with JSON in and out. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  eventCount(): number;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** The real HTTP app on a real SQLite file in a temp dir, listening on a free loopback port. */
export async function startTestApp(options: { jobHandlers?: JobHandler[]; env?: Record<string, string> } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pressluft-test-'));
  const settings = loadSettings({ PRESSLUFT_DATA_DIR: dataDir, PRESSLUFT_LOG_LEVEL: 'error', PRESSLUFT_HTTP_PORT: '0', ...options.env });
  const app = await createHttpApp({ settings, jobHandlers: options.jobHandlers });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const db = app.get<Database>(DATABASE);
  return {
    app,
    url,
    db,
    dataDir,
    settings,
    async request(method, path, body, headers = {}) {
      const response = await fetch(url + path, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    eventCount: () => db.prepare('SELECT COUNT(*) FROM events').pluck().get() as number,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
