import type { Job } from 'bullmq';
import { declaredQueues } from './jobs.js';
import type { QueueName } from './queue-names.js';
import type { QueueRegistry } from './queue-registry.js';

const COUNTED_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

export interface QueueStatus {
  queue: QueueName;
  counts: Record<(typeof COUNTED_STATES)[number], number>;
}

export interface FailedJobSummary {
  id: string;
  name: string;
  attemptsMade: number;
  failedReason: string;
  finishedOn: string | null;
}

/** An operator named a queue that no job runs on; `message` lists the ones there are. */
export class UnknownQueueError extends Error {
  constructor(name: string) {
    super(`No queue "${name}". The queues are: ${declaredQueues().join(', ')}.`);
    this.name = 'UnknownQueueError';
  }
}

/** Failed jobs read per round trip while retrying them all. */
const RETRY_BATCH = 500;

/** What an operator does to the queues from a shell (`npm run queues`): look, list failures, retry them. */
export class QueueOperations {
  constructor(private readonly queues: QueueRegistry) {}

  static queueNamed(name: string): QueueName {
    const found = declaredQueues().find((queue) => queue === name);
    if (!found) throw new UnknownQueueError(name);
    return found;
  }

  async status(): Promise<QueueStatus[]> {
    return Promise.all(
      declaredQueues().map(async (queue) => {
        const counts = await this.queues.get(queue).getJobCounts(...COUNTED_STATES);
        return { queue, counts: Object.fromEntries(COUNTED_STATES.map((state) => [state, counts[state] ?? 0])) as QueueStatus['counts'] };
      }),
    );
  }

  /** The newest failed jobs of a queue, with why each failed. */
  async failed(queue: QueueName, limit: number): Promise<FailedJobSummary[]> {
    const jobs = await this.queues.get(queue).getJobs(['failed'], 0, Math.max(0, limit - 1), false);
    return jobs.filter((job): job is Job => Boolean(job)).map((job) => ({
      id: String(job.id),
      name: job.name,
      attemptsMade: job.attemptsMade,
      failedReason: job.failedReason ?? '',
      finishedOn: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    }));
  }

  /**
   * Moves failed jobs back to waiting, oldest first, each with its attempts reset (BullMQ's
   * `retry`), at most `limit` of them (all when null); answers how many. A job that another
   * operator retried meanwhile is skipped, not counted.
   */
  async retryFailed(queue: QueueName, limit: number | null): Promise<number> {
    const bull = this.queues.get(queue);
    let retried = 0;
    while (limit === null || retried < limit) {
      const take = limit === null ? RETRY_BATCH : Math.min(RETRY_BATCH, limit - retried);
      const jobs = (await bull.getJobs(['failed'], 0, take - 1, true)).filter((job): job is Job => Boolean(job));
      if (jobs.length === 0) break;
      let moved = 0;
      for (const job of jobs) {
        try {
          await job.retry('failed');
          moved += 1;
        } catch {
          // No longer failed (retried or removed by someone else): nothing to do for it.
        }
      }
      retried += moved;
      if (moved === 0) break;
    }
    return retried;
  }
}
