import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ensureDatabase, loadConfig, redactUrl, startupAdvice } from '@app/shared';

/**
 * `npm start`: makes sure the database exists, then runs the API and the worker as two
 * processes. Each applies pending migrations under an advisory lock. SIGTERM/SIGINT
 * go to both, which finish their requests and jobs before exiting.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const entries = {
  api: path.resolve(here, '../../api/src/main.js'),
  worker: path.resolve(here, '../../worker/src/main.js'),
};

async function main(): Promise<void> {
  const config = loadConfig();
  if (await ensureDatabase(config.databaseUrl)) console.error(`Created database ${redactUrl(config.databaseUrl)}`);
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  // The API applies migrations and creates root first; the worker follows it.
  const start = (name: keyof typeof entries) => {
    const child = spawn(process.execPath, [entries[name]], { stdio: 'inherit', env: process.env });
    child.on('exit', (code, signal) => {
      // A child that failed, or died by a signal instead of draining, makes the launcher fail too.
      if (code !== 0) process.exitCode = code ?? 1;
      if (!stopping) {
        console.error(`${name} exited (${signal ?? code}); stopping the other process`);
        stopAll('SIGTERM');
      }
    });
    children.push(child);
  };
  start('api');
  start('worker');
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  process.on('SIGINT', () => stopAll('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('Could not start:', error instanceof Error ? error.message : error);
  console.error(startupAdvice(error, 'Check that PostgreSQL answers at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/gitlab_users).'));
  process.exit(1);
});
