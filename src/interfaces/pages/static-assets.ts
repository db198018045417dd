import type { FastifyInstance } from 'fastify';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { PAGES_DIR } from './project-root';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Serves src/interfaces/pages/public/* at /static/* from memory (read once at start-up; no directory walking per request). */
export function installStaticAssets(fastify: FastifyInstance): void {
  const dir = join(PAGES_DIR, 'public');
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(dir, name)), type });
  }
  fastify.get('/static/*', (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const file = files.get(name);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return reply.type(file.type).header('Cache-Control', 'public, max-age=300').send(file.body);
  });
}
