import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AuditMappingRegistry, EventStore, readCheckpoint, RELAY_SUBSCRIPTION_ID, storeCheckpoint, type RelayedEventJob, type RelayRoute } from '@app/eventstore';
import { APP_CONFIG, clientSql, Database, JobHandler, JobName, QueueName, type AppConfig, type JobSchedule, type Sql } from '@app/shared';
import { auditEventDrafts } from '../../domain/audit-event/audit-event-draft.js';
import { AuditEventsRepository } from '../../infrastructure/audit-events.repository.js';
import { findUnauditedEvents, reconcileTarget } from '../../infrastructure/unaudited-events.query.js';

const RECONCILE_BATCH = 1_000;

/** Reconciliation's checkpoint in `es_subscriptions`: every audited event up to it has its rows. */
export const AUDIT_RECONCILE_SUBSCRIPTION_ID = 'audit.reconcile';

/** Held while a reconciliation runs, so runs that overlap (two workers, a slow run and the next) do not read the same stretch twice. */
const RECONCILE_LOCK_KEY = 7_345_004;

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

  /**
   * Writes the rows of relayed events that have none (a flushed Redis loses nothing). Each run
   * reads only the log after its checkpoint, up to the relay's checkpoint and the grace period,
   * then moves the checkpoint there; the first run on a log reads it all once. Runs take turns
   * (a run that starts while another is running waits, then reads only what that one left).
   * Returns the rows written.
   */
  async reconcile(graceSeconds = this.config.auditReconcileGraceSeconds): Promise<number> {
    return this.db.withClient(async (client) => {
      const sql = clientSql(client);
      await sql.query('SELECT pg_advisory_lock($1)', [RECONCILE_LOCK_KEY]);
      try {
        return await this.reconcileLocked(sql, graceSeconds);
      } finally {
        await sql.query('SELECT pg_advisory_unlock($1)', [RECONCILE_LOCK_KEY]);
      }
    });
  }

  private async reconcileLocked(sql: Sql, graceSeconds: number): Promise<number> {
    const from = await readCheckpoint(sql, AUDIT_RECONCILE_SUBSCRIPTION_ID);
    // Fixed before reading, so the stretch repaired is the stretch the checkpoint then passes.
    const to = await reconcileTarget(sql, RELAY_SUBSCRIPTION_ID, graceSeconds, from);
    if (!to) return 0;
    let repaired = 0;
    // Stored types, older ones that upcast into audited types included.
    const types = this.mappings.storedEventTypes();
    for (let after = from; ; ) {
      const missing = await findUnauditedEvents(sql, types, after, to, RECONCILE_BATCH);
      for (const { eventId } of missing) {
        repaired += await this.auditEvents.insert(auditEventDrafts(await this.store.readByEventId(eventId), this.mappings));
      }
      if (missing.length < RECONCILE_BATCH) break;
      after = missing[missing.length - 1].position;
    }
    await storeCheckpoint(sql, AUDIT_RECONCILE_SUBSCRIPTION_ID, to);
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
