import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JobName, QueueName, type AppConfig, type JobSchedule } from '@app/shared';
import { ActiveUsersRepository } from '../../infrastructure/active-users.repository.js';

/** A rollup of given days (`YYYY-MM-DD`, both included); without them, the scheduled one. */
export interface RollUpActiveUsersJob {
  from?: string;
  to?: string;
}

/**
 * Days recomputed before today on each scheduled run: activity reaches the log through a queue,
 * so a day's figure may still grow a little after midnight (a job retried, Redis away a while).
 */
export const ROLLUP_LOOKBACK_DAYS = 2;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function daysBefore(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - n);
  return date.toISOString().slice(0, 10);
}

/** The rollup: a BullMQ job scheduler, kept in Redis by the worker. */
export function activeUsersRollupSchedule(config: AppConfig): JobSchedule {
  return { queue: QueueName.Activity, job: JobName.ActivityRollUpActiveUsers, everyMs: config.activeUsersRollupIntervalMs };
}

/** Computes the daily and monthly active users into `activity.active_user_rollups`. */
@Injectable()
export class ActiveUsersRollupWorker {
  private readonly logger = new Logger(ActiveUsersRollupWorker.name);

  constructor(private readonly rollups: ActiveUsersRepository) {}

  /**
   * The scheduled run recomputes from a little before the last day it computed (or from the first
   * day of activity, on a new deployment or after the rollups were emptied) to today, and the
   * months those days fall in; a job with `from` and `to` recomputes those days (a rebuild).
   */
  @JobHandler(QueueName.Activity, JobName.ActivityRollUpActiveUsers)
  async rollUp(job: Job<RollUpActiveUsersJob>): Promise<{ from: string; to: string; days: number; months: number } | null> {
    const today = new Date().toISOString().slice(0, 10);
    const { from: askedFrom, to: askedTo } = job.data ?? {};
    if ((askedFrom !== undefined && !DAY.test(askedFrom)) || (askedTo !== undefined && !DAY.test(askedTo))) {
      throw new Error(`Rollup job ${job.id} has from/to that are not YYYY-MM-DD days: ${JSON.stringify(job.data)}`);
    }
    const last = askedFrom ? null : await this.rollups.lastRolledUpDay();
    const from = askedFrom ?? (last ? daysBefore(last < today ? last : today, ROLLUP_LOOKBACK_DAYS) : await this.rollups.firstActiveDay());
    if (from === null) return null;
    const to = askedTo ?? today;
    const written = await this.rollups.rollUp(from, to);
    this.logger.log({ from, to, ...written }, 'Active users rolled up');
    return { from, to, ...written };
  }
}
