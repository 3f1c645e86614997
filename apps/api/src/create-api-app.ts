import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import multer from 'multer';
import { Logger } from 'nestjs-pino';
import { CallerDirectory, QueueRegistry, type AppConfig } from '@app/shared';
import { ApiModule } from './app.module.js';
import { queueDashboard } from './ops/queue-dashboard.js';

/** Builds the API application (used by main and by the e2e tests). */
export async function createApiApp(config: AppConfig, options: { logger?: boolean } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
    logger: options.logger === false ? false : undefined,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  app.set('query parser', 'extended');
  app.set('etag', false);
  app.disable('x-powered-by');
  // Clients send JSON, form and multipart bodies on every write, a JSON body on DELETE included.
  app.use(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: true, limit: config.bodyLimitBytes }));
  app.use(multer({ storage: multer.memoryStorage(), limits: { fileSize: config.bodyLimitBytes, files: 5 } }).any());
  const dashboard = queueDashboard(app.get(QueueRegistry), app.get(CallerDirectory));
  app.use(dashboard.path, dashboard.guard, dashboard.router);
  app.enableShutdownHooks();
  return app;
}
