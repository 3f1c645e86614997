import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { createRedis } from './redis-connection.js';
import { QueueName } from './queue-names.js';

/** Every job retries with backoff; failed jobs stay for operators to inspect. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: false,
};

/** One BullMQ Queue per name, sharing a connection, under the configured key prefix. */
@Injectable()
export class QueueRegistry implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();
  private connection: ReturnType<typeof createRedis> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      this.connection ??= createRedis(this.config.redisUrl);
      queue = new Queue(name, { connection: this.connection, prefix: this.config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      this.queues.set(name, queue);
    }
    return queue;
  }

  all(): Queue[] {
    return Object.values(QueueName).map((name) => this.get(name));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    await this.connection?.quit().catch(() => undefined);
    this.connection = null;
  }
}
