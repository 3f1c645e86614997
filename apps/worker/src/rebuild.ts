import 'reflect-metadata';
import { ProjectionRebuilder, ProjectionRegistry } from '@app/eventstore';
import { DataSource } from 'typeorm';
import { loadConfig, runMigrationsLocked } from '@app/shared';
import { createWorkerApp } from './create-worker-app.js';

/** `npm run projections:rebuild -- <name>…` (no name: list them). */
async function main(): Promise<void> {
  const app = await createWorkerApp(loadConfig(), { logger: false });
  // A read model is rebuilt into the current schema: apply pending migrations first, as the API and worker do at boot.
  await runMigrationsLocked(app.get(DataSource));
  const names = process.argv.slice(2);
  try {
    if (names.length === 0) {
      console.log(`Projections: ${app.get(ProjectionRegistry).names().join(', ')}`);
      console.log('Usage: npm run projections:rebuild -- <projection> [<projection>…]');
      return;
    }
    for (const name of names) {
      const { events } = await app.get(ProjectionRebuilder).rebuild(name);
      console.log(`Rebuilt ${name} from ${events} events`);
    }
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error('Rebuild failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
