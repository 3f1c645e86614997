import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Histogram } from 'prom-client';
import { RELAY_ROUTES, type RelayRoute } from '@app/eventstore';
import {
  APP_CONFIG,
  createRedis,
  JOB_SCHEDULES,
  JobHandlerRegistry,
  JobSchedules,
  reportBullmqErrors,
  ServiceMetrics,
  type AppConfig,
  type JobReference,
  type JobSchedule,
  type RedisConnectionName,
} from '@app/shared';
import { discoverJobHandlers } from './job-handler-discovery.js';

/** Jobs each queue's worker runs at once. */
const CONCURRENCY = 8;

/** From a few milliseconds (an audit row) to the minutes a rollup or a large rebuild may take. */
const JOB_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The worker's BullMQ Workers: one per queue that has handlers, each dispatching through the
 * job handler registry. The registry is built and checked when the application boots, so a
 * job nobody handles, a handler claimed twice or a route to nowhere stops the worker from
 * starting instead of leaving jobs to pile up in Redis.
 */
@Injectable()
export class QueueWorkers implements OnModuleInit {
  private readonly logger = new Logger(QueueWorkers.name);
  private registry: JobHandlerRegistry | null = null;
  private running: { worker: Worker; connection: Redis }[] = [];
  private durations: Histogram<'queue' | 'job' | 'outcome'> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly schedules: JobSchedules,
    @Optional() @Inject(RELAY_ROUTES) private readonly routes: RelayRoute[] = [],
    @Optional() @Inject(JOB_SCHEDULES) private readonly jobSchedules: JobSchedule[] = [],
    @Optional() @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics | null = null,
  ) {}

  onModuleInit(): void {
    this.durations = this.metrics?.histogram('job_duration_seconds', 'Jobs run by this worker, by queue, job name and outcome (completed, failed: an attempt that threw)', ['queue', 'job', 'outcome'], JOB_BUCKETS) ?? null;
    const references: JobReference[] = [
      ...this.routes.map((route) => ({ kind: 'relay route' as const, queue: route.queue, job: route.job })),
      ...this.jobSchedules.map((schedule) => ({ kind: 'job schedule' as const, queue: schedule.queue, job: schedule.job })),
    ];
    this.registry = JobHandlerRegistry.verified(discoverJobHandlers(this.discovery, this.scanner), references);
  }

  /** The checked registry (available once the application has initialised). */
  get handlers(): JobHandlerRegistry {
    if (!this.registry) throw new Error('QueueWorkers used before the application initialised');
    return this.registry;
  }

  /** Starts one BullMQ Worker per queue with handlers, and keeps the declared schedules in Redis. */
  start(): void {
    if (this.running.length > 0) return;
    const registry = this.handlers;
    const durations = this.durations;
    const run = async (queue: string, job: Parameters<JobHandlerRegistry['dispatch']>[1]): Promise<unknown> => {
      const stop = durations?.startTimer({ queue, job: job.name });
      try {
        const result = await registry.dispatch(queue, job);
        stop?.({ outcome: 'completed' });
        return result;
      } catch (error) {
        stop?.({ outcome: 'failed' });
        throw error;
      }
    };
    for (const queue of registry.queues()) {
      // "audit worker" and the like: the outage log names each connection.
      const name: RedisConnectionName = { source: `${queue} worker`, meanwhile: `${queue} jobs wait until it answers` };
      const connection = createRedis(this.config.redisUrl, name);
      const worker = new Worker(queue, (job) => run(queue, job), {
        connection,
        prefix: this.config.queuePrefix,
        concurrency: CONCURRENCY,
      });
      worker.on('failed', (job, error) => {
        const final = error.name === 'UnrecoverableError' || (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1));
        this.logger.warn(
          { queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error },
          final ? 'Job failed for good; it stays in the failed set for inspection' : 'Job failed; BullMQ will retry it with backoff',
        );
      });
      reportBullmqErrors(worker, name);
      this.running.push({ worker, connection });
    }
    for (const schedule of this.jobSchedules) this.schedules.keep(schedule);
  }

  /** Waits for the jobs in progress to finish. Safe to call again. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = [];
    await Promise.all(
      running.map(async ({ worker, connection }) => {
        await worker.close();
        // BullMQ leaves a connection it was given open.
        await connection.quit().catch(() => undefined);
      }),
    );
  }
}
