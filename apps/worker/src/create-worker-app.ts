import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@app/shared';
import { WorkerModule } from './worker.module.js';

/** `exitOnSignal`: once a SIGTERM/SIGINT shutdown has finished, exit with code 0 (Nest otherwise re-raises the signal). */
export async function createWorkerApp(config: AppConfig, options: { logger?: boolean; exitOnSignal?: boolean } = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    bufferLogs: true,
    logger: options.logger === false ? false : undefined,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  app.enableShutdownHooks([], { useProcessExit: options.exitOnSignal === true });
  return app;
}
