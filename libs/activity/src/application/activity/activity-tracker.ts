import { Injectable } from '@nestjs/common';
import { CallerActivity, JobName, QueueName, QueueRegistry, userActivityJobId, WindowedJobs } from '@app/shared';
import type { RecordUserActivity } from '../../domain/user-activity/user-activity.decider.js';

/**
 * Marks a user active for today by queueing one `activity` job per user per day (its id says
 * which), never by writing to the database on the request path; a Redis outage neither slows
 * nor fails requests (see WindowedJobs).
 */
@Injectable()
export class ActivityTracker extends CallerActivity {
  private readonly jobs: WindowedJobs;

  constructor(queues: QueueRegistry) {
    super();
    this.jobs = new WindowedJobs(queues, QueueName.Activity, JobName.ActivityRecordUserActivity, 'day', (userId, day) => {
      const job: RecordUserActivity = { userId, day };
      return { id: userActivityJobId(userId, day), data: job };
    });
  }

  touch(userId: number): void {
    this.jobs.note(userId);
  }
}
