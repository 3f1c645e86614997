import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { CommandPath } from '@app/eventstore';
import { JobHandler, JobName, QueueName, SYSTEM_METADATA } from '@app/shared';
import { USER_ACTIVITY_DECIDER, type RecordUserActivity } from '../../domain/user-activity/user-activity.decider.js';
import { userActivityStreamId } from '../../domain/user-activity/user-activity.events.js';

/** The activity queue's job handlers. */
@Injectable()
export class ActivityWorker {
  constructor(private readonly commands: CommandPath) {}

  /** Appends the day to the user's activity stream, once: a repeated job decides nothing. */
  @JobHandler(QueueName.Activity, JobName.ActivityRecordUserActivity)
  async recordUserActivity(job: Job<RecordUserActivity>): Promise<boolean> {
    const { userId, day } = job.data;
    if (!Number.isSafeInteger(userId) || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`Activity job ${job.id} carries no user id and day`);
    const { events } = await this.commands.handle(userActivityStreamId(userId), USER_ACTIVITY_DECIDER, { userId, day }, { metadata: SYSTEM_METADATA });
    return events.length > 0;
  }
}
