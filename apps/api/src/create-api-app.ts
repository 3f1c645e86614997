import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, PinoLogger } from 'nestjs-pino';
import { accessLog, answerClientErrorsAsJson, CallerDirectory, Database, httpRequestMetrics, parseQueryString, QueueRegistry, REDIS, RedisRateLimiter, sendJsonWithoutCharset, ServiceMetrics, shutdownState, type AppConfig } from '@app/shared';
import { AuditEventsRepository } from '@app/activity';
import { adminArea } from './admin/admin-area.js';
import { ApiModule } from './app.module.js';
import { buildOpenApiDocument } from './ops/openapi.js';
import { OpenApiDocument } from './ops/openapi.controller.js';
import { openApiDocsPage } from './ops/openapi-docs-page.js';

/**
 * Builds the API application (used by main and by the e2e tests). `exitOnSignal`: once a
 * SIGTERM/SIGINT shutdown has finished, exit with code 0 (Nest otherwise re-raises the signal).
 */
export async function createApiApp(config: AppConfig, options: { logger?: boolean; exitOnSignal?: boolean } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
    logger: options.logger === false ? false : undefined,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  // First of all, so every request has its id and its one access line, whatever answers it.
  // PinoLogger.root is the logger nestjs-pino built from loggerOptions (LOG_LEVEL), set by now.
  app.use(accessLog(PinoLogger.root, httpRequestMetrics(app.get(ServiceMetrics))));
  app.set('query parser', parseQueryString);
  // Only the operator's own proxies may say who the client is (req.ip, req.protocol); anyone else's
  // X-Forwarded-For would let a client choose the address its rate limits and audit rows carry.
  app.set('trust proxy', config.trustedProxies.length > 0 ? config.trustedProxies : false);
  app.set('etag', false);
  app.disable('x-powered-by');
  sendJsonWithoutCharset(app.getHttpAdapter().getInstance());
  answerClientErrorsAsJson(app.getHttpServer());
  // While draining, keep-alive clients are told to reconnect elsewhere instead of reusing this socket.
  app.use((_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    if (shutdownState.draining) res.setHeader('Connection', 'close');
    next();
  });
  const admin = adminArea({
    config,
    db: app.get(Database),
    directory: app.get(CallerDirectory),
    auditEvents: app.get(AuditEventsRepository),
    queues: app.get(QueueRegistry),
    limiter: new RedisRateLimiter(app.get(REDIS)),
  });
  app.use(admin.path, admin.router);
  app.use(admin.legacyPath, admin.legacyRedirect);
  const docs = openApiDocsPage(config.externalUrl);
  app.use(docs.path, docs.router);
  app.get(OpenApiDocument).value = buildOpenApiDocument(app, config.externalUrl);
  app.enableShutdownHooks([], { useProcessExit: options.exitOnSignal === true });
  return app;
}
