import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Database, ServiceMetrics } from '@app/shared';

/**
 * The last verification of the log's hash chains, whoever ran it (the worker's schedule or
 * `npm run audit:verify`): read from `es_chain_verifications`, so both processes report it.
 * Never verified: the timestamp is 0 and `intact` is 0.
 */
@Injectable()
export class ChainMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly db: Database,
  ) {}

  onModuleInit(): void {
    const at = this.metrics.gauge('audit_chain_verified_timestamp_seconds', 'When the hash chains of the event log were last verified (Unix time; 0: never)');
    const intact = this.metrics.gauge('audit_chain_intact', 'Whether the last verification found every hash chain of the event log intact (1) or not (0)');
    const breaks = this.metrics.gauge('audit_chain_breaks', 'Broken links the last verification of the event log found');
    const events = this.metrics.gauge('audit_chain_events_verified', 'Events the last verification of the event log checked');
    this.metrics.onScrape('audit-chain', async () => {
      const [last] = await this.db.query<{ finished_at: Date; intact: boolean; breaks: string; events_checked: string }>(
        'SELECT finished_at, intact, breaks, events_checked FROM es_chain_verifications ORDER BY id DESC LIMIT 1',
      );
      at.set(last ? last.finished_at.getTime() / 1000 : 0);
      intact.set(last?.intact ? 1 : 0);
      breaks.set(last ? Number(last.breaks) : 0);
      events.set(last ? Number(last.events_checked) : 0);
    });
  }
}
