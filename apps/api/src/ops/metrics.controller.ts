import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ActiveUsersRepository } from '@app/activity';
import { RELAY_SUBSCRIPTION_ID } from '@app/eventstore';
import { Authenticate, Database, QueueRegistry } from '@app/shared';

/**
 * Prometheus metrics: process defaults, queue depth per state, relay lag (events committed but
 * not yet handed to the queues) and the latest active-user rollups. Collected on scrape, nothing on the hot path.
 */
@Controller('-')
@Authenticate('none')
export class MetricsController {
  private readonly registry = new Registry();

  constructor(
    private readonly db: Database,
    private readonly queues: QueueRegistry,
    private readonly activeUsers: ActiveUsersRepository,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'gitlab_users_' });
    const queueJobs = new Gauge({
      name: 'gitlab_users_queue_jobs',
      help: 'BullMQ jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
    });
    const relayLag = new Gauge({
      name: 'gitlab_users_relay_lag_events',
      help: 'Committed events the relay has not yet delivered to the queues',
      registers: [this.registry],
    });
    const activeUsersGauge = new Gauge({
      name: 'gitlab_users_active_users',
      help: "Users active in the current day or month so far, as of the worker's last rollup (GET /api/v4/admin/active_users has the history)",
      labelNames: ['period'],
      registers: [this.registry],
    });
    const scrapeErrors = new Counter({
      name: 'gitlab_users_metrics_scrape_errors_total',
      help: 'Failures while collecting queue or relay metrics',
      registers: [this.registry],
    });
    this.collect = async () => {
      // While Redis is away, queue commands wait for it: count a scrape error instead of hanging.
      await measure(scrapeErrors, async () => {
        if (!this.queues.connected) throw new Error('Redis is not connected');
        for (const queue of this.queues.all()) {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
          for (const [state, count] of Object.entries(counts)) queueJobs.set({ queue: queue.name, state }, count);
        }
      });
      // The relay lag lives in PostgreSQL: it is the figure to watch while Redis is away.
      await measure(scrapeErrors, async () => {
        const [lag] = await this.db.query<{ n: string }>(
          `SELECT count(*) AS n FROM es_events e
            WHERE (e.transaction_id, e.global_position) >
                  COALESCE((SELECT (last_transaction_id, last_global_position) FROM es_subscriptions WHERE subscription_id = $1),
                           ('0'::xid8, 0::bigint))`,
          [RELAY_SUBSCRIPTION_ID],
        );
        relayLag.set(Number(lag.n));
      });
      await measure(scrapeErrors, async () => {
        for (const row of await this.activeUsers.latest()) activeUsersGauge.set({ period: row.period }, row.active_users);
      });
    };
  }

  private readonly collect: () => Promise<void>;

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    await this.collect();
    res.setHeader('Content-Type', this.registry.contentType);
    res.send(await this.registry.metrics());
  }
}

/** Runs one collection step; a failure is counted, and the other steps still run. */
async function measure(errors: Counter, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch {
    errors.inc();
  }
}
