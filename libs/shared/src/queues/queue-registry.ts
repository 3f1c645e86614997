import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { createRedis, reportBullmqErrors, type RedisConnectionName } from './redis-connection.js';
import { declaredQueues } from './jobs.js';
import type { QueueName } from './queue-names.js';

/** Every job retries with backoff; failed jobs stay for operators to inspect. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: false,
};

const QUEUES_CONNECTION: RedisConnectionName = {
  source: 'queues',
  meanwhile: 'events wait in PostgreSQL and are delivered once it answers',
};

/** One BullMQ Queue per name, sharing a connection, under the configured key prefix. */
@Injectable()
export class QueueRegistry implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();
  private connection: Redis | null = null;
  private readonly readyListeners: (() => void)[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis(), prefix: this.config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      reportBullmqErrors(queue, QUEUES_CONNECTION);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** The queues some declared job runs on (JOBS); what the dashboard and metrics show. */
  all(): Queue[] {
    return declaredQueues().map((name) => this.get(name));
  }

  /**
   * True while Redis answers. Commands on this connection wait (never fail) while it is down,
   * so that no job is lost; a caller that must answer now (metrics) checks this first.
   */
  get connected(): boolean {
    return this.redis().status === 'ready';
  }

  /** Runs `listener` each time the queues' connection (re)connects to Redis, the first time included. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
    this.redis();
  }

  private redis(): Redis {
    if (!this.connection) {
      this.connection = createRedis(this.config.redisUrl, QUEUES_CONNECTION);
      this.connection.on('ready', () => this.readyListeners.forEach((listener) => listener()));
    }
    return this.connection;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    await this.connection?.quit().catch(() => undefined);
    this.connection = null;
  }
}
