import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The Swagger UI files the page loads, served by the app itself (no CDN; the page CSP allows 'self' only). */
const UI_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Pressluft API reference</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
`;

/** A browser asks for HTML first; API clients (Accept: application/json, or none) get the document. */
function wantsPage(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

/**
 * GET /api/docs: the browsable reference (Swagger UI) for a browser, the OpenAPI document for
 * everyone else; GET /api/docs/openapi.json: the document. Behind the login like every route.
 */
export function installApiDocs(fastify: FastifyInstance, document: OpenAPIObject): void {
  const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const files = new Map(Object.entries(UI_FILES).map(([name, type]) => [name, { body: readFileSync(join(dir, name)), type }]));
  fastify.get('/api/docs', (request, reply) => (wantsPage(request) ? reply.type('text/html; charset=utf-8').send(PAGE) : reply.send(document)));
  fastify.get('/api/docs/openapi.json', (_request, reply) => reply.send(document));
  fastify.get('/api/docs/assets/:name', (request, reply) => {
    const file = files.get((request.params as { name: string }).name);
    if (!file) return reply.code(404).type('application/json; charset=utf-8').send({ code: 'NOT_FOUND', message: 'no such file', details: {} });
    return reply.type(file.type).header('Cache-Control', 'public, max-age=3600').send(file.body);
  });
}
