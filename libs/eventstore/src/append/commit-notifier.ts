import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Database } from '@app/shared';

export const EVENTS_CHANNEL = 'es_events';
const COALESCE_MS = 5;

/**
 * Wakes the relay after appends commit. NOTIFY inside the append's transaction would
 * hold PostgreSQL's server-wide notify lock through every commit's WAL flush, making
 * concurrent writers commit one at a time; instead one NOTIFY is sent after commit per
 * few milliseconds per process. A lost one only delays the relay to its next poll.
 */
@Injectable()
export class CommitNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger(CommitNotifier.name);
  private pending: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly db: Database) {}

  poke(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.inFlight = this.db
        .query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, ''])
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'Could not notify the relay; it will pick the events up at its next poll'))
        .finally(() => {
          this.inFlight = null;
        });
    }, COALESCE_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.pending) {
      clearTimeout(this.pending);
      this.pending = null;
    }
    await this.inFlight;
  }
}
