import { Inject, Injectable, Logger } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { EventStore, RELAY_SUBSCRIPTION_ID, type RelayedEventJob, type RelayRoute } from '@app/eventstore';
import { APP_CONFIG, createRedis, Database, JobName, JobSchedules, QueueName, reportBullmqErrors, type AppConfig, type RedisConnectionName } from '@app/shared';
import { AUDITED_EVENT_TYPES, auditEventsFor } from '../../domain/audit-event/audit-event.mapper.js';
import { AuditEventsRepository } from '../../infrastructure/audit-events.repository.js';
import { findUnauditedEventIds } from '../../infrastructure/unaudited-events.query.js';

const RECONCILE_BATCH = 1_000;
const WORKER_CONNECTION: RedisConnectionName = { source: 'audit worker', meanwhile: 'audit rows wait until it answers' };

/** Which stored events the relay sends to the audit queue. */
export const AUDIT_RELAY_ROUTE: RelayRoute = {
  queue: QueueName.Audit,
  job: JobName.AuditRecordEvent,
  accepts: (event) => AUDITED_EVENT_TYPES.includes(event.type),
};

/** Builds `audit_events` rows from relayed events; safe to run any number of times per event. */
@Injectable()
export class AuditWorker {
  private readonly logger = new Logger(AuditWorker.name);
  private worker: Worker<RelayedEventJob> | null = null;
  private connection: ReturnType<typeof createRedis> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: EventStore,
    private readonly auditEvents: AuditEventsRepository,
    private readonly db: Database,
    private readonly schedules: JobSchedules,
  ) {}

  start(concurrency = 8): void {
    if (this.worker) return;
    this.connection = createRedis(this.config.redisUrl, WORKER_CONNECTION);
    this.worker = new Worker<RelayedEventJob>(QueueName.Audit, (job) => (job.name === JobName.AuditReconcile ? this.reconcile() : this.process(job)), {
      connection: this.connection,
      prefix: this.config.queuePrefix,
      concurrency,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'Audit job failed; BullMQ will retry it with backoff'),
    );
    reportBullmqErrors(this.worker, WORKER_CONNECTION);
    // One repeatable job for the whole deployment, whatever the number of workers.
    this.schedules.keep({ queue: QueueName.Audit, job: JobName.AuditReconcile, everyMs: this.config.auditReconcileIntervalMs });
  }

  /** Waits for jobs in progress to finish. */
  async stop(): Promise<void> {
    const worker = this.worker;
    const connection = this.connection;
    this.worker = null;
    this.connection = null;
    await worker?.close();
    // BullMQ leaves a connection it was given open.
    await connection?.quit().catch(() => undefined);
  }

  /** Writes the rows of relayed events that have none (a flushed Redis loses nothing). */
  async reconcile(graceSeconds = this.config.auditReconcileGraceSeconds): Promise<number> {
    let repaired = 0;
    for (;;) {
      const ids = await findUnauditedEventIds(this.db, AUDITED_EVENT_TYPES, RELAY_SUBSCRIPTION_ID, graceSeconds, RECONCILE_BATCH);
      for (const eventId of ids) {
        const event = await this.store.readByEventId(eventId);
        if (event) repaired += await this.auditEvents.insert(auditEventsFor(event));
      }
      if (ids.length < RECONCILE_BATCH) break;
    }
    if (repaired > 0) this.logger.warn({ repaired }, 'Audit reconciliation wrote rows whose jobs had been lost (was Redis flushed?)');
    return repaired;
  }

  async process(job: Job<RelayedEventJob>): Promise<number> {
    const event = await this.store.readByEventId(job.data.eventId);
    if (!event) throw new Error(`Event ${job.data.eventId} named by audit job ${job.id} is not in the event store`);
    return this.auditEvents.insert(auditEventsFor(event));
  }
}
