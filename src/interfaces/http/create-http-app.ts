import { QueryBus } from '@nestjs/cqrs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, AppOptions } from '../app.module';
import { JsonLogger } from '../../infrastructure/logging/json-logger';
import { ApiErrorFilter } from './api-error.filter';
import { MetricsRegistry } from '../../application/ports/metrics.port';
import { requestIdOf } from './request-id';
import { apiValidationPipe } from './validation.pipe';
import { installApiDocs } from './api-docs';
import { describeErrors } from './openapi-errors';
import { describeResponses } from './openapi-responses';
import { RAW_UPLOAD_CONTENT_TYPES } from './controllers/uploads.controller';
import { installAuth } from './auth/install-auth';
import { installIdempotencyCheck } from './idempotency';
import { LoginPage } from '../pages/auth-pages';
import { installStaticAssets } from '../pages/static-assets';

export interface RouteEntry {
  readonly method: string;
  readonly url: string;
}

const ROUTES = new WeakMap<object, RouteEntry[]>();

/** Every route Fastify registered for this app (method + URL pattern), collected by an onRoute hook. */
export function registeredRoutes(app: NestFastifyApplication): readonly RouteEntry[] {
  return ROUTES.get(app) ?? [];
}

/** Builds the HTTP application (not yet listening): Fastify, validation, one error filter, OpenAPI, metrics. */
export async function createHttpApp(options: AppOptions): Promise<NestFastifyApplication> {
  const { settings } = options;
  // The request id is the correlation id: from a valid X-Correlation-Id, else a new UUID. Commands
  // record it as metadata.correlationId, so the events and jobs a request caused carry it too.
  const adapter = new FastifyAdapter({
    bodyLimit: settings.bodyLimit,
    trustProxy: false,
    genReqId: requestIdOf,
    // Errors Fastify raises while routing (a path parameter over 100 characters, a malformed URL) get
    // the same {code, message, details} as every other error instead of Fastify's own body.
    frameworkErrors: (error: { code?: string }, _request: unknown, reply: FastifyReply) => {
      const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long.' : 'The URL is malformed.';
      void reply.code(400).type('application/json; charset=utf-8').send({ code: 'VALIDATION_FAILED', message, details: { path: 'invalid' } });
    },
  });
  const logger = new JsonLogger(settings.logLevel, options.logTarget ?? 'stdout', settings.logFormat);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    logger,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const routes: RouteEntry[] = [];
  ROUTES.set(app, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  // Deploy archives reach POST /api/v1/uploads as the raw stream (the handler enforces its own size limit).
  fastify.addContentTypeParser(RAW_UPLOAD_CONTENT_TYPES, (_request, payload, done) => done(null, payload));
  // Authentication (session cookie or bearer token), CSRF and security headers for every route.
  installAuth(fastify, app.get(QueryBus), () => app.get(LoginPage), settings.cookieSecure);
  installIdempotencyCheck(fastify, app.get(QueryBus));
  app.useGlobalPipes(apiValidationPipe());
  app.useGlobalFilters(new ApiErrorFilter());

  const metrics = app.get(MetricsRegistry);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Correlation-Id', request.id);
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL: one series per route, whatever ids are in the path.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeHttpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    // One structured line per request; the path only (query strings may carry search terms).
    logger.event(reply.statusCode >= 500 ? 'error' : 'info', 'request', {
      reqId: request.id,
      method: request.method,
      route,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...(request.principal ? { actor: request.principal.actor } : {}),
    });
    done();
  });

  const document = describeResponses(describeErrors(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Pressluft API')
      .setDescription('Control plane for WordPress sites on your own servers. Errors are {code, message, details}.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API token (pl_<id>_<secret>) from POST /api/v1/tokens or `pressluft token create`' })
      .addSecurityRequirements('bearer')
      .build(),
  )));
  installApiDocs(fastify, document);
  installStaticAssets(fastify);
  return app;
}
