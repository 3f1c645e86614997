import { Injectable, Logger } from '@nestjs/common';
import { CallerActivity, JobName, QueueName, QueueRegistry, userActivityJobId } from '@app/shared';
import type { RecordUserActivity } from '../../domain/user-activity/user-activity.decider.js';

/**
 * Marks a user active for today by queueing one `activity` job per user per day (its id says
 * which), never by writing to the database on the request path. The request does not wait: the
 * job is added in the background, and while Redis does not answer nothing is queued (the next
 * request of that user after it is back tries again), so a Redis outage neither slows nor fails
 * requests. The users already queued today are remembered in this process, so a busy user costs
 * one set lookup per request and one Redis call per day.
 */
@Injectable()
export class ActivityTracker extends CallerActivity {
  private readonly logger = new Logger(ActivityTracker.name);
  private day = '';
  private dayEndsAt = 0;
  private queued = new Set<number>();

  constructor(private readonly queues: QueueRegistry) {
    super();
    // Redis may come back empty (flushed, replaced): queue each user's day again; the job id keeps it one job.
    queues.onReady(() => {
      this.queued = new Set();
    });
  }

  touch(userId: number): void {
    const now = Date.now();
    if (now >= this.dayEndsAt) this.startDay(now);
    if (this.queued.has(userId)) return;
    if (!this.queues.connected) return;
    this.queued.add(userId);
    const day = this.day;
    const queued = this.queued;
    const job: RecordUserActivity = { userId, day };
    this.queues
      .get(QueueName.Activity)
      .add(JobName.ActivityRecordUserActivity, job, { jobId: userActivityJobId(userId, day) })
      .catch((error: unknown) => {
        // Not recorded: let the user's next request try again.
        queued.delete(userId);
        this.logger.debug({ userId, reason: error instanceof Error ? error.message : String(error) }, 'Could not queue the activity job');
      });
  }

  private startDay(now: number): void {
    const today = new Date(now);
    this.day = today.toISOString().slice(0, 10);
    this.dayEndsAt = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1);
    this.queued = new Set();
  }
}
