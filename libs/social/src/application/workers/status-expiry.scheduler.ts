import { Injectable, Logger } from '@nestjs/common';
import type { StoredEvent } from '@app/kernel';
import type { AsyncConsumer } from '@app/eventstore';
import { JobName, QueueName, QueueRegistry, statusExpiryJobId } from '@app/shared';
import { USER_STATUS_SET, type UserStatusSetData } from '../../domain/status/user-status.events.js';

/** Longest a batch waits for Redis to take its jobs before it is rolled back and tried again. */
const ENQUEUE_TIMEOUT_MS = 5_000;

export interface ClearExpiredStatusJob {
  userId: number;
  clearStatusAt: string;
}

/**
 * Schedules the expiry of each status set with a `clear_status_after`: an asynchronous consumer
 * (it sees every committed status event once, in log order, its checkpoint moving only once the
 * jobs are queued) that queues one delayed job per status, with an id made of the user and the
 * expiry, so a batch read again queues nothing new. While Redis is away nothing is queued and
 * the checkpoint moves on: the periodic sweep clears those statuses once their time has come.
 */
@Injectable()
export class StatusExpiryScheduler implements AsyncConsumer {
  readonly name = 'social.status-expiry-scheduler';
  readonly eventTypes = [USER_STATUS_SET];
  private readonly logger = new Logger(StatusExpiryScheduler.name);

  constructor(private readonly queues: QueueRegistry) {}

  async handle(events: readonly StoredEvent[]): Promise<void> {
    const expiring = events.map((event) => event.data as UserStatusSetData).filter((data) => data.clear_status_at !== null);
    if (expiring.length === 0) return;
    if (!this.queues.connected) {
      this.logger.debug({ statuses: expiring.length }, 'Redis is away: these expiries are left to the sweep');
      return;
    }
    const now = Date.now();
    const queue = this.queues.get(QueueName.StatusExpiry);
    const queued = queue.addBulk(
      expiring.map((data) => ({
        name: JobName.SocialClearExpiredStatus,
        data: { userId: data.user_id, clearStatusAt: data.clear_status_at! } satisfies ClearExpiredStatusJob,
        opts: { jobId: statusExpiryJobId(data.user_id, data.clear_status_at!), delay: Math.max(0, Date.parse(data.clear_status_at!) - now) },
      })),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not take the status expiry jobs within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([queued, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
