import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bullmq';
import { JobHandler, JobName, QueueName, SYSTEM_METADATA, type AppConfig, type JobSchedule } from '@app/shared';
import { ClearExpiredStatus } from '../commands/clear-expired-status/clear-expired-status.command.js';
import { UserStatusesRepository } from '../../infrastructure/user-statuses.repository.js';
import type { ClearExpiredStatusJob } from './status-expiry.scheduler.js';

/** Statuses the sweep clears per run; a longer backlog is worked off by the following runs. */
const SWEEP_BATCH = 500;

/** The sweep: a BullMQ job scheduler, kept in Redis by the worker (and written again after Redis comes back empty). */
export function statusExpirySweepSchedule(config: AppConfig): JobSchedule {
  return { queue: QueueName.StatusExpiry, job: JobName.SocialSweepExpiredStatuses, everyMs: config.statusExpirySweepIntervalMs };
}

/** Clears expired statuses: each status's own delayed job, and the periodic sweep for any whose job was lost. */
@Injectable()
export class StatusExpiryWorker {
  private readonly logger = new Logger(StatusExpiryWorker.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly statuses: UserStatusesRepository,
  ) {}

  @JobHandler(QueueName.StatusExpiry, JobName.SocialClearExpiredStatus)
  clearOne(job: Job<ClearExpiredStatusJob>): Promise<boolean> {
    return this.commands.execute(new ClearExpiredStatus({ userId: job.data.userId, clearStatusAt: job.data.clearStatusAt }, SYSTEM_METADATA));
  }

  @JobHandler(QueueName.StatusExpiry, JobName.SocialSweepExpiredStatuses)
  async sweep(): Promise<{ cleared: number }> {
    let cleared = 0;
    for (const { userId, clearStatusAt } of await this.statuses.overdue(SWEEP_BATCH)) {
      if (await this.commands.execute(new ClearExpiredStatus({ userId, clearStatusAt }, SYSTEM_METADATA))) cleared += 1;
    }
    if (cleared > 0) this.logger.log({ cleared }, 'Cleared expired statuses whose own expiry job had not run');
    return { cleared };
  }
}
