import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, Database, type AppConfig } from '@app/shared';
import type { AsyncConsumer } from './async-consumer.js';
import { AsyncConsumerRegistry } from './async-consumer-registry.js';
import { readCheckpoint, storeCheckpoint } from './checkpoint-store.js';
import { readCommittedAfter } from './read-committed-after.js';
import { UpcasterRegistry } from '../upcasting/upcaster-registry.js';

/** First key of the two-key advisory locks that make each consumer single-active (the relay's lock is a one-key lock). */
const CONSUMER_LOCK_SPACE = 7_345_003;
const BATCH_SIZE = 500;
const MAX_BACKOFF_MS = 30_000;

/** The checkpoint row of consumer `name` in `es_subscriptions`. */
export function consumerSubscriptionId(name: string): string {
  return `consumer.${name}`;
}

export interface ConsumerBatch {
  /** Events read past the checkpoint, handled or not. */
  read: number;
  /** Of those, how many were passed to the consumer. */
  handled: number;
  /** Another runner (another worker) had this consumer: nothing was read. */
  busy: boolean;
}

/**
 * Runs the registered asynchronous consumers. Each batch is one transaction: take the
 * consumer's lock (so two workers never run one consumer at once), read its checkpoint, read
 * the committed events after it (xid8-safe, so a transaction that took a lower position but
 * commits later is waited for, never skipped), hand the consumer its events, store the new
 * checkpoint, commit. A crash or a throw anywhere in it leaves neither the consumer's writes
 * nor the new checkpoint; the batch is simply read again.
 */
@Injectable()
export class AsyncConsumerRunner {
  private readonly logger = new Logger(AsyncConsumerRunner.name);
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    private readonly registry: AsyncConsumerRegistry,
    private readonly upcasters: UpcasterRegistry,
  ) {}

  /** Runs every registered consumer until `stop()`, each in its own loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = this.registry.all().map((consumer) => this.loop(consumer));
  }

  /** Lets the batches in progress finish (commit or roll back), then returns. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Runs one batch of `consumer` now; throws what the consumer threw, after rolling the batch back. */
  async runOnce(consumer: AsyncConsumer, limit = BATCH_SIZE): Promise<ConsumerBatch> {
    const subscriptionId = consumerSubscriptionId(consumer.name);
    return this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [CONSUMER_LOCK_SPACE, subscriptionId]);
      if (!locked) return { read: 0, handled: 0, busy: true };
      // Read under the lock: the checkpoint is the one the last batch, by any runner, committed.
      const checkpoint = await readCheckpoint(tx, subscriptionId);
      const events = await readCommittedAfter(tx, checkpoint, limit, this.upcasters);
      if (events.length === 0) return { read: 0, handled: 0, busy: false };
      const types = new Set(consumer.eventTypes);
      const wanted = events.filter((event) => types.has(event.type));
      if (wanted.length > 0) await consumer.handle(wanted, tx);
      const last = events[events.length - 1];
      await storeCheckpoint(tx, subscriptionId, { transactionId: last.transactionId, globalPosition: last.globalPosition });
      return { read: events.length, handled: wanted.length, busy: false };
    });
  }

  private async loop(consumer: AsyncConsumer): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const batch = await this.runOnce(consumer);
        if (failures > 0) this.logger.log({ consumer: consumer.name, failures }, 'Asynchronous consumer runs again; it resumed from its checkpoint');
        failures = 0;
        if (batch.busy || batch.read < BATCH_SIZE) await this.sleep(this.config.relayPollIntervalMs);
      } catch (error) {
        failures += 1;
        const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(failures, 7));
        // Every failure is worth a line: a consumer that keeps throwing on one event is stuck there.
        this.logger.warn(
          { consumer: consumer.name, err: error, retryInMs: delay, failures },
          'Asynchronous consumer failed a batch; nothing of it was kept, and it is retried from the checkpoint with backoff',
        );
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}
