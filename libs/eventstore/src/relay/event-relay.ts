import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG, clientSql, eventJobId, QueueRegistry, type AppConfig } from '@app/shared';
import { EVENTS_CHANNEL } from '../append/event-store.js';
import type { StoredEvent } from '@app/kernel';
import { readCheckpoint, storeCheckpoint, type Checkpoint } from '../subscriptions/checkpoint-store.js';
import { readCommittedAfter } from '../subscriptions/read-committed-after.js';
import { readSealHead, sealEvents, type SealHead } from '../integrity/event-seals.js';
import { UpcasterRegistry } from '../upcasting/upcaster-registry.js';
import { RELAY_ROUTES, type RelayedEventJob, type RelayRoute } from './relay-route.js';

export const RELAY_SUBSCRIPTION_ID = 'relay';
const RELAY_LOCK_KEY = 7_345_002;
const BATCH_SIZE = 500;

/**
 * Moves committed events to BullMQ. The event table is the outbox: the relay reads
 * after its checkpoint (xid8-safe), enqueues with job ids derived from event ids, and
 * only then advances the checkpoint, so a crash repeats delivery instead of losing it
 * and the deterministic ids make the repeat harmless. The checkpoint moves in one transaction
 * with the seals of the events delivered (the log's second hash chain, in this same order).
 * One relay is active at a time,
 * under an advisory lock; another worker takes over when it dies.
 */
@Injectable()
export class EventRelay {
  private readonly logger = new Logger(EventRelay.name);
  private client: pg.Client | null = null;
  private running = false;
  private loopDone: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private checkpoint: Checkpoint | null = null;
  private sealHead: SealHead | null = null;
  private lockHeld = false;
  delivered = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queues: QueueRegistry,
    @Optional() @Inject(RELAY_ROUTES) private readonly routes: RelayRoute[] = [],
    // Nest always passes the app's registry; a relay built by hand (tests) reads events as stored.
    @Optional() private readonly upcasters: UpcasterRegistry = new UpcasterRegistry(),
  ) {}

  get lastCheckpoint(): Checkpoint | null {
    return this.checkpoint;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loopDone;
    this.loopDone = null;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (!this.client) await this.connect();
        if (!(await this.holdsLock())) {
          await this.sleep(2_000);
          continue;
        }
        const count = await this.pollOnce();
        if (failures > 0) this.logger.log({ failures }, 'Event relay delivers again; it resumed from its checkpoint');
        failures = 0;
        if (count < BATCH_SIZE) await this.sleep(this.config.relayPollIntervalMs);
      } catch (error) {
        failures += 1;
        const delay = Math.min(30_000, 250 * 2 ** Math.min(failures, 7));
        // One warning per outage; the retries that follow it are only worth a debug line.
        const level = failures === 1 ? 'warn' : 'debug';
        this.logger[level]({ err: error, retryInMs: delay, failures }, 'Event relay could not deliver a batch; it retries from its checkpoint with backoff (events wait in PostgreSQL)');
        await this.disconnect();
        await this.sleep(delay);
      }
    }
    await this.disconnect();
  }

  /** Delivers one batch; returns how many events it moved. */
  async pollOnce(): Promise<number> {
    const client = this.client;
    if (!client) throw new Error('relay is not connected');
    const sql = clientSql(client);
    this.checkpoint ??= await readCheckpoint(sql, RELAY_SUBSCRIPTION_ID);
    const events = await readCommittedAfter(sql, this.checkpoint, BATCH_SIZE, this.upcasters);
    if (events.length === 0) return 0;
    await this.enqueue(events);
    const last = events[events.length - 1];
    const next = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    await client.query('BEGIN');
    try {
      const head = await sealEvents(sql, this.sealHead ?? (await readSealHead(sql)), events);
      await storeCheckpoint(sql, RELAY_SUBSCRIPTION_ID, next);
      await client.query('COMMIT');
      this.sealHead = head;
    } catch (error) {
      this.sealHead = null;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    this.checkpoint = next;
    this.delivered += events.length;
    return events.length;
  }

  private async enqueue(events: StoredEvent[]): Promise<void> {
    for (const route of this.routes) {
      const jobs = events.filter((event) => route.accepts(event));
      if (jobs.length === 0) continue;
      await this.queues.get(route.queue).addBulk(
        jobs.map((event) => ({
          name: route.job,
          data: {
            eventId: event.eventId,
            globalPosition: event.globalPosition,
            transactionId: event.transactionId,
            streamId: event.streamId,
            type: event.type,
          } satisfies RelayedEventJob,
          opts: { jobId: eventJobId(route.queue, event.eventId) },
        })),
      );
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl, application_name: 'gitlab-users-relay' });
    // The loop notices a lost connection at its next query and reconnects; this listener keeps
    // the process alive meanwhile (an `error` event without a listener would crash it).
    client.on('error', (error) => this.logger.debug({ reason: error.message }, 'Relay database connection lost'));
    client.on('notification', () => this.wake?.());
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.client = client;
  }

  private async holdsLock(): Promise<boolean> {
    if (this.lockHeld) return true;
    const result = await this.client!.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK_KEY]);
    this.lockHeld = result.rows[0].locked;
    if (this.lockHeld) this.logger.log('Event relay is active (holds the relay lock)');
    return this.lockHeld;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.checkpoint = null;
    this.sealHead = null;
    this.lockHeld = false;
    if (client) await client.end().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
