import 'reflect-metadata';
import { ProjectionRebuilder, ProjectionRegistry } from '@app/eventstore';
import { loadConfig } from '@app/shared';
import { createWorkerApp } from './create-worker-app.js';

/** `npm run projections:rebuild -- <name>…` (no name: list them). */
async function main(): Promise<void> {
  const app = await createWorkerApp(loadConfig(), { logger: false });
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
