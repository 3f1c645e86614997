import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bullmq';
import { EventStore, relayedEvent, type RelayedEventJob, type RelayRoute } from '@app/eventstore';
import { SetCustomAttribute, UserNotFoundError } from '@app/identity';
import { JobHandler, JobName, QueueName } from '@app/shared';
import { USER_STATE_CHANGED, type ModerationAction, type UserStateChangedData } from '../../domain/user-state/user-state.events.js';

/** GitLab records who blocked and unblocked a user in custom attributes (`UserCustomAttribute::BLOCKED_BY`). */
const ATTRIBUTE_OF: Partial<Record<ModerationAction, string>> = { block: 'blocked_by', unblock: 'unblocked_by' };

/** Ruby's `Time#to_s` in UTC, as GitLab writes the time into the value: `2026-12-05 09:12:28 UTC`. */
const rubyTime = (at: Date) => `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** The relay sends each block and unblock by an admin to the moderation queue. */
export const moderatorRecordRelayRoute: RelayRoute = {
  queue: QueueName.Moderation,
  job: JobName.ModerationRecordModerator,
  accepts: (event) => event.type === USER_STATE_CHANGED && ATTRIBUTE_OF[(event.data as UserStateChangedData).action ?? 'activate'] !== undefined && event.metadata.actor_id !== null,
};

/**
 * Writes `blocked_by` / `unblocked_by` = `<admin username>/<admin id>+<time>` after the
 * transition, through identity's custom-attribute command: kept off the moderation request (it is
 * identity's record, and a second command would double the request's round trips). The value is
 * built from the event alone (its author and time), so a repeated job writes the same value.
 */
@Injectable()
export class ModeratorRecordWorker {
  constructor(
    private readonly store: EventStore,
    private readonly commands: CommandBus,
  ) {}

  @JobHandler(QueueName.Moderation, JobName.ModerationRecordModerator)
  async recordModerator(job: Job<RelayedEventJob>): Promise<boolean> {
    const event = await relayedEvent(this.store, job);
    const data = event.data as UserStateChangedData;
    const key = data.action ? ATTRIBUTE_OF[data.action] : undefined;
    const { actor_id: actorId, actor_username: actorUsername } = event.metadata;
    if (!key || actorId === null) return false;
    try {
      await this.commands.execute(
        new SetCustomAttribute({ userId: data.user_id, key, value: `${actorUsername}/${actorId}+${rubyTime(event.occurredAt)}` }, { ...event.metadata, causation_id: event.eventId }),
      );
    } catch (error) {
      if (error instanceof UserNotFoundError) return false;
      throw error;
    }
    return true;
  }
}
