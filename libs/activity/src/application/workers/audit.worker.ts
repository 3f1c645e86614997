import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AuditMappingRegistry, EventStore, RELAY_SUBSCRIPTION_ID, type RelayedEventJob, type RelayRoute } from '@app/eventstore';
import { APP_CONFIG, Database, JobHandler, JobName, QueueName, type AppConfig, type JobSchedule } from '@app/shared';
import { auditEventDrafts } from '../../domain/audit-event/audit-event-draft.js';
import { AuditEventsRepository } from '../../infrastructure/audit-events.repository.js';
import { findUnauditedEventIds } from '../../infrastructure/unaudited-events.query.js';

const RECONCILE_BATCH = 1_000;

/** Which events the relay sends to the audit queue: those some context registered an audit mapping for. */
export function auditRelayRoute(mappings: AuditMappingRegistry): RelayRoute {
  return { queue: QueueName.Audit, job: JobName.AuditRecordEvent, accepts: (event) => mappings.audits(event) };
}

/** One repeatable reconciliation for the whole deployment, whatever the number of workers. */
export function auditReconcileSchedule(config: AppConfig): JobSchedule {
  return { queue: QueueName.Audit, job: JobName.AuditReconcile, everyMs: config.auditReconcileIntervalMs };
}

/**
 * The audit queue's job handlers: they build `audit_events` rows from relayed events, safe to
 * run any number of times per event. The worker runs them (see `@JobHandler`).
 */
@Injectable()
export class AuditWorker {
  private readonly logger = new Logger(AuditWorker.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: EventStore,
    private readonly auditEvents: AuditEventsRepository,
    private readonly db: Database,
    private readonly mappings: AuditMappingRegistry,
  ) {}

  /** Writes the rows of relayed events that have none (a flushed Redis loses nothing). */
  async reconcile(graceSeconds = this.config.auditReconcileGraceSeconds): Promise<number> {
    let repaired = 0;
    for (;;) {
      // Stored types, older ones that upcast into audited types included.
      const ids = await findUnauditedEventIds(this.db, this.mappings.storedEventTypes(), RELAY_SUBSCRIPTION_ID, graceSeconds, RECONCILE_BATCH);
      for (const eventId of ids) {
        repaired += await this.auditEvents.insert(auditEventDrafts(await this.store.readByEventId(eventId), this.mappings));
      }
      if (ids.length < RECONCILE_BATCH) break;
    }
    if (repaired > 0) this.logger.warn({ repaired }, 'Audit reconciliation wrote rows whose jobs had been lost (was Redis flushed?)');
    return repaired;
  }

  @JobHandler(QueueName.Audit, JobName.AuditReconcile)
  reconcileJob(): Promise<number> {
    return this.reconcile();
  }

  @JobHandler(QueueName.Audit, JobName.AuditRecordEvent)
  async process(job: Job<RelayedEventJob>): Promise<number> {
    // One stored event may be read as several (upcasting); they share its id and are audited together.
    const events = await this.store.readByEventId(job.data.eventId);
    if (events.length === 0) throw new Error(`Event ${job.data.eventId} named by audit job ${job.id} is not in the event store`);
    return this.auditEvents.insert(auditEventDrafts(events, this.mappings));
  }
}
