import { Logger } from '@nestjs/common';
import type { JobName, QueueName } from './queue-names.js';
import type { QueueRegistry } from './queue-registry.js';

/** A window's label from its start: the UTC day (`YYYY-MM-DD`) or minute (`YYYY-MM-DDTHH:MM`). */
export type WindowSize = 'day' | 'minute';
const WINDOW_MS: Record<WindowSize, number> = { day: 86_400_000, minute: 60_000 };
const LABEL_LENGTH: Record<WindowSize, number> = { day: 10, minute: 16 };

/**
 * Queues one job per key per time window, from the request path, without waiting and without
 * failing it: the keys queued in the current window are remembered in this process (one set
 * lookup per request), nothing is queued while Redis does not answer (the next request after it
 * is back tries again), and the job id (key and window) keeps a repeat from another process or
 * after a reconnection to one job.
 */
export class WindowedJobs {
  private readonly logger = new Logger(WindowedJobs.name);
  private window = '';
  private windowEndsAt = 0;
  private queued = new Set<number>();

  constructor(
    private readonly queues: QueueRegistry,
    private readonly queue: QueueName,
    private readonly job: JobName,
    private readonly size: WindowSize,
    private readonly jobOf: (key: number, window: string) => { id: string; data: object },
  ) {
    // Redis may come back empty (flushed, replaced): queue each key's window again; the job id keeps it one job.
    queues.onReady(() => {
      this.queued = new Set();
    });
  }

  note(key: number): void {
    const now = Date.now();
    if (now >= this.windowEndsAt) this.startWindow(now);
    if (this.queued.has(key) || !this.queues.connected) return;
    this.queued.add(key);
    const queued = this.queued;
    const { id, data } = this.jobOf(key, this.window);
    this.queues
      .get(this.queue)
      .add(this.job, data, { jobId: id })
      .catch((error: unknown) => {
        // Not queued: let the key's next request try again.
        queued.delete(key);
        this.logger.debug({ job: this.job, key, reason: error instanceof Error ? error.message : String(error) }, 'Could not queue the job');
      });
  }

  private startWindow(now: number): void {
    const size = WINDOW_MS[this.size];
    const start = now - (now % size);
    this.window = new Date(start).toISOString().slice(0, LABEL_LENGTH[this.size]);
    this.windowEndsAt = start + size;
    this.queued = new Set();
  }
}
