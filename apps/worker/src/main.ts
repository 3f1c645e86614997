import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { enforceShutdownDeadline, ensureDatabase, loadConfig, runMigrationsLocked } from '@app/shared';
import { createWorkerApp } from './create-worker-app.js';
import { WorkerHost } from './worker.module.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (process.env.SKIP_DB_PREPARE !== '1') await ensureDatabase(config.databaseUrl);
  // A service stopped by SIGTERM (after finishing its jobs) exits 0.
  const app = await createWorkerApp(config, { exitOnSignal: true });
  if (process.env.SKIP_DB_PREPARE !== '1') await runMigrationsLocked(app.get(DataSource));
  app.get(WorkerHost).start();
  enforceShutdownDeadline(config.shutdownTimeoutMs, 'Worker');
  console.error('Worker started: event relay and audit queue');
}

main().catch((error: unknown) => {
  console.error('Worker failed to start:', error instanceof Error ? error.message : error);
  console.error('Check that PostgreSQL and Redis answer at DATABASE_URL and REDIS_URL.');
  process.exit(1);
});
