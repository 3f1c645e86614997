import { loadConfig, QueueOperations, QueueRegistry, UnknownQueueError } from '@app/shared';

const USAGE = `Usage: npm run queues -- <command>
  status                         jobs per queue and state
  failed <queue> [--limit N]     the newest failed jobs (default 20) and why they failed
  retry-failed <queue> [--limit N]
                                 moves failed jobs back to waiting (all, or the oldest N), attempts reset`;

/** `--limit N` if given (a positive whole number), else `fallback`. */
function limitOf(args: string[], fallback: number | null): number | null {
  const at = args.indexOf('--limit');
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`--limit needs a positive whole number, got "${args[at + 1] ?? ''}"`);
  return value;
}

class UsageError extends Error {}

/** The queue operator's shell tool: the same queues and Redis as the service (QUEUE_PREFIX, REDIS_URL). */
async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  const registry = new QueueRegistry(loadConfig());
  const operations = new QueueOperations(registry);
  try {
    switch (command) {
      case 'status': {
        for (const { queue, counts } of await operations.status()) {
          console.log(`${queue.padEnd(16)} ${Object.entries(counts).map(([state, n]) => `${state} ${n}`).join(', ')}`);
        }
        return 0;
      }
      case 'failed': {
        const queue = QueueOperations.queueNamed(args[0] ?? '');
        const jobs = await operations.failed(queue, limitOf(args, 20)!);
        if (jobs.length === 0) console.log(`No failed jobs in ${queue}.`);
        for (const job of jobs) console.log(`${job.id}  ${job.name}  attempts ${job.attemptsMade}  failed ${job.finishedOn ?? '?'}\n    ${job.failedReason}`);
        return 0;
      }
      case 'retry-failed': {
        const queue = QueueOperations.queueNamed(args[0] ?? '');
        const retried = await operations.retryFailed(queue, limitOf(args, null));
        console.log(`Retried ${retried} failed job${retried === 1 ? '' : 's'} of ${queue}; a running worker takes them now.`);
        return 0;
      }
      default:
        throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnknownQueueError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  } finally {
    await registry.onApplicationShutdown();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Queue command failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
