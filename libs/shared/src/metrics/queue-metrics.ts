import { Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueRegistry } from '../queues/queue-registry.js';
import { ServiceMetrics } from './service-metrics.js';

/** Jobs per queue and state, from Redis, in both processes. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly queues: QueueRegistry,
  ) {}

  onModuleInit(): void {
    const jobs = this.metrics.gauge('queue_jobs', 'BullMQ jobs per queue and state', ['queue', 'state']);
    this.metrics.onScrape('queues', async () => {
      // While Redis is away, queue commands wait for it: fail this collector instead of hanging the scrape.
      if (!this.queues.connected) throw new Error('Redis is not connected');
      for (const queue of this.queues.all()) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
        for (const [state, count] of Object.entries(counts)) jobs.set({ queue: queue.name, state }, count);
      }
    });
  }
}
