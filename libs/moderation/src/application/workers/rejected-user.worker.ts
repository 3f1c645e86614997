import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bullmq';
import { EventStore, relayedEvent, type RelayedEventJob, type RelayRoute } from '@app/eventstore';
import { DeleteUser, UserNotFoundError } from '@app/identity';
import { JobHandler, JobName, QueueName } from '@app/shared';
import { USER_REJECTED, type UserRejectedData } from '../../domain/user-state/user-state.events.js';

/** The relay sends every rejected sign-up to the moderation queue. */
export const rejectedUserRelayRoute: RelayRoute = {
  queue: QueueName.Moderation,
  job: JobName.ModerationDeleteRejectedUser,
  accepts: (event) => event.type === USER_REJECTED,
};

/**
 * Deletes a rejected sign-up as GitLab does (`delete_async(hard_delete: true)`): through
 * identity's delete command, in the name of the admin who rejected it, caused by the rejection.
 * A user already gone is done, so a repeated job is harmless.
 */
@Injectable()
export class RejectedUserWorker {
  private readonly logger = new Logger(RejectedUserWorker.name);

  constructor(
    private readonly store: EventStore,
    private readonly commands: CommandBus,
  ) {}

  @JobHandler(QueueName.Moderation, JobName.ModerationDeleteRejectedUser)
  async deleteRejectedUser(job: Job<RelayedEventJob>): Promise<boolean> {
    const event = await relayedEvent(this.store, job);
    const { user_id: userId } = event.data as UserRejectedData;
    try {
      await this.commands.execute(new DeleteUser({ userId, hardDelete: true, unmodifiedSince: null }, { ...event.metadata, causation_id: event.eventId }));
    } catch (error) {
      if (error instanceof UserNotFoundError) return false;
      throw error;
    }
    this.logger.log({ userId, rejection: event.eventId }, 'Deleted a rejected sign-up');
    return true;
  }
}
