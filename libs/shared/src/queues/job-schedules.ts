import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { JobName, QueueName } from './queue-names.js';
import { QueueRegistry } from './queue-registry.js';

/** A repeatable job: `job` on `queue` every `everyMs`, one scheduler for the whole deployment. */
export interface JobSchedule {
  queue: QueueName;
  job: JobName;
  everyMs: number;
}

/**
 * The schedules the worker keeps (a `JobSchedule[]` provider): declared up front, not set up
 * by the handlers, so that the worker can check at boot that each names a handled job.
 */
export const JOB_SCHEDULES = Symbol('JOB_SCHEDULES');

/** Longest a lost schedule may stay lost, whatever its period. */
const MAX_CHECK_INTERVAL_MS = 60_000;

/**
 * Keeps the deployment's job schedulers in Redis. A schedule lives only in Redis, so a flushed
 * or replaced Redis loses it: each is written again whenever the queues' connection comes
 * back, and at least once per its own period, so a lost schedule is back before its next run
 * would have been due. Writing one again keeps its next run time (BullMQ upserts by id).
 */
@Injectable()
export class JobSchedules implements OnApplicationShutdown {
  private readonly logger = new Logger(JobSchedules.name);
  private readonly schedules: JobSchedule[] = [];
  private timer: NodeJS.Timeout | null = null;
  private watching = false;
  private stopped = false;

  constructor(private readonly queues: QueueRegistry) {}

  /** Declares `schedule` and keeps it in place until the application stops (again: replaces it). */
  keep(schedule: JobSchedule): void {
    const same = this.schedules.findIndex((kept) => kept.queue === schedule.queue && kept.job === schedule.job);
    if (same >= 0) this.schedules.splice(same, 1);
    this.schedules.push(schedule);
    if (!this.watching) {
      this.watching = true;
      this.queues.onReady(() => void this.ensureAll());
    }
    this.restartTimer();
    void this.ensure(schedule);
  }

  /** Writes every declared schedule (idempotent). */
  async ensureAll(): Promise<void> {
    await Promise.all(this.schedules.map((schedule) => this.ensure(schedule)));
  }

  private async ensure(schedule: JobSchedule): Promise<void> {
    if (this.stopped) return;
    try {
      await this.queues.get(schedule.queue).upsertJobScheduler(schedule.job, { every: schedule.everyMs }, { name: schedule.job });
    } catch (error) {
      // Redis is away: the outage is logged once by the connection; this runs again when it is back.
      this.logger.debug({ job: schedule.job, reason: error instanceof Error ? error.message : String(error) }, 'Could not write a job schedule yet');
    }
  }

  private restartTimer(): void {
    if (this.timer) clearInterval(this.timer);
    const interval = Math.min(MAX_CHECK_INTERVAL_MS, ...this.schedules.map((schedule) => schedule.everyMs));
    this.timer = setInterval(() => void this.ensureAll(), interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
