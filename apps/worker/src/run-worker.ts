import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { enforceShutdownDeadline, ensureDatabase, JobDeclarationError, loadConfig, runMigrationsLocked } from '@app/shared';
import { createWorkerApp } from './create-worker-app.js';
import { QueueWorkers } from './queue-workers.js';
import { WorkerMetricsServer } from './worker-metrics-server.js';
import { WorkerHost } from './worker.module.js';

/** Runs the worker; `started` is called once Nest's shutdown hooks listen for signals. */
export async function runWorker(started: () => void): Promise<void> {
  const config = loadConfig();
  if (process.env.SKIP_DB_PREPARE !== '1') await ensureDatabase(config.databaseUrl);
  // A service stopped by SIGTERM (after finishing its jobs) exits 0.
  const app = await createWorkerApp(config, { exitOnSignal: true });
  // Nest's shutdown hooks listen from here on.
  started();
  if (process.env.SKIP_DB_PREPARE !== '1') await runMigrationsLocked(app.get(DataSource));
  app.get(WorkerHost).start();
  await app.get(WorkerMetricsServer).start();
  enforceShutdownDeadline(config.shutdownTimeoutMs, 'Worker');
  console.error(`Worker started: event relay and queues ${app.get(QueueWorkers).handlers.queues().join(', ')}`);
}

export { JobDeclarationError, startupAdvice } from '@app/shared';
