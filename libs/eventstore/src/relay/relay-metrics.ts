import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Database, ServiceMetrics } from '@app/shared';
import { RELAY_SUBSCRIPTION_ID } from './event-relay.js';

/**
 * Relay lag: events committed but not yet handed to the queues, counted in PostgreSQL with the
 * relay's own xid8-safe order. The figure to watch while Redis is away (events wait for it).
 */
@Injectable()
export class RelayMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly db: Database,
  ) {}

  onModuleInit(): void {
    const lag = this.metrics.gauge('relay_lag_events', 'Committed events the relay has not yet delivered to the queues');
    this.metrics.onScrape('relay', async () => {
      const [row] = await this.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM es_events e
          WHERE (e.transaction_id, e.global_position) >
                COALESCE((SELECT (last_transaction_id, last_global_position) FROM es_subscriptions WHERE subscription_id = $1),
                         ('0'::xid8, 0::bigint))`,
        [RELAY_SUBSCRIPTION_ID],
      );
      lag.set(Number(row.n));
    });
  }
}
