/**
 * The worker's entry point. Loading Nest and the contexts takes a second or more; a SIGTERM or
 * SIGINT in that time would kill the process by the signal (no exit code), so the first thing this
 * module does, before it loads anything, is listen: nothing has started to drain yet, so it exits 0.
 * Once Nest's shutdown hooks listen, they take over (drain, then exit 0).
 */
const stopWhileStarting = (signal: NodeJS.Signals): void => {
  console.error(`Worker received ${signal} while starting; nothing to drain yet, exiting`);
  process.exit(0);
};
process.once('SIGTERM', stopWhileStarting);
process.once('SIGINT', stopWhileStarting);
console.error(`Worker starting (pid ${process.pid})`);

function stopListeningWhileStarting(): void {
  process.removeListener('SIGTERM', stopWhileStarting);
  process.removeListener('SIGINT', stopWhileStarting);
}

const { runWorker, JobDeclarationError, startupAdvice } = await import('./run-worker.js');
runWorker(stopListeningWhileStarting).catch((error: unknown) => {
  console.error('Worker failed to start:', error instanceof Error ? error.message : error);
  // A declaration error is a defect of this build, not of its surroundings.
  if (!(error instanceof JobDeclarationError)) console.error(startupAdvice(error, 'Check that PostgreSQL and Redis answer at DATABASE_URL and REDIS_URL.'));
  process.exit(1);
});
