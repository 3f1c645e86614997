import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { enforceShutdownDeadline, ensureDatabase, JobDeclarationError, loadConfig, runMigrationsLocked } from '@app/shared';
import { createWorkerApp } from './create-worker-app.js';
import { QueueWorkers } from './queue-workers.js';
import { WorkerHost } from './worker.module.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (process.env.SKIP_DB_PREPARE !== '1') await ensureDatabase(config.databaseUrl);
  // A service stopped by SIGTERM (after finishing its jobs) exits 0.
  const app = await createWorkerApp(config, { exitOnSignal: true });
  if (process.env.SKIP_DB_PREPARE !== '1') await runMigrationsLocked(app.get(DataSource));
  app.get(WorkerHost).start();
  enforceShutdownDeadline(config.shutdownTimeoutMs, 'Worker');
  console.error(`Worker started: event relay and queues ${app.get(QueueWorkers).handlers.queues().join(', ')}`);
}

main().catch((error: unknown) => {
  console.error('Worker failed to start:', error instanceof Error ? error.message : error);
  // A declaration error is a defect of this build, not of its surroundings.
  if (!(error instanceof JobDeclarationError)) console.error('Check that PostgreSQL and Redis answer at DATABASE_URL and REDIS_URL.');
  process.exit(1);
});
