import type { AuditEntry, AuditMapping, StoredEvent } from '@app/kernel';
import {
  FOLLOWING_PREFERENCE_CHANGED,
  USER_FOLLOWED,
  USER_UNFOLLOWED,
  type FollowingPreferenceChangedData,
  type UserFollowedData,
  type UserUnfollowedData,
} from '../domain/follow/follow.events.js';
import { USER_STATUS_CLEARED, USER_STATUS_SET, type UserStatusClearedData, type UserStatusSetData, type UserStatusValue } from '../domain/status/user-status.events.js';

/** A status in words: `:coffee: "At lunch" (busy, until 2026-12-05T12:00:00.000Z)`. */
function describeStatus(status: UserStatusValue): string {
  const parts = [`:${status.emoji}:`];
  if (status.message) parts.push(JSON.stringify(status.message));
  const extras = [status.availability === 'busy' ? 'busy' : null, status.clear_status_at ? `until ${status.clear_status_at}` : null].filter(Boolean);
  if (extras.length > 0) parts.push(`(${extras.join(', ')})`);
  return parts.join(' ');
}

/**
 * The rows social's events leave. A follow or unfollow is about the followed user (the author,
 * the follower, comes from the metadata); preference and status rows are about the user whose they are.
 */
function socialAuditEntries(event: StoredEvent): AuditEntry[] {
  switch (event.type) {
    case USER_FOLLOWED:
    case USER_UNFOLLOWED: {
      const data = event.data as UserFollowedData | UserUnfollowedData;
      const verb = event.type === USER_FOLLOWED ? 'followed' : 'unfollowed';
      return [
        {
          entity_id: data.followee_id,
          event_name: `user_${verb}`,
          target_details: data.followee_username,
          details: { custom_message: `${data.follower_username} ${verb} ${data.followee_username}`, follower_id: data.follower_id, followee_id: data.followee_id },
        },
      ];
    }
    case FOLLOWING_PREFERENCE_CHANGED: {
      const data = event.data as FollowingPreferenceChangedData;
      const message = data.enabled_following
        ? `${data.username} turned following on`
        : `${data.username} turned following off; every follow to and from them was removed`;
      return [
        {
          entity_id: data.user_id,
          event_name: 'user_following_preference_changed',
          target_details: data.username,
          details: { custom_message: message, change: 'enabled_following', from: !data.enabled_following, to: data.enabled_following },
        },
      ];
    }
    case USER_STATUS_SET: {
      const data = event.data as UserStatusSetData;
      const to = describeStatus(data);
      const from = data.previous ? describeStatus(data.previous) : null;
      return [
        {
          entity_id: data.user_id,
          event_name: 'user_status_set',
          target_details: data.username,
          details: { custom_message: from ? `Changed the status of ${data.username} from ${from} to ${to}` : `Set the status of ${data.username} to ${to}`, change: 'status', from, to },
        },
      ];
    }
    case USER_STATUS_CLEARED: {
      const data = event.data as UserStatusClearedData;
      const from = describeStatus(data.previous);
      const why = data.reason === 'expired' ? 'it expired' : 'cleared by the user';
      return [
        {
          entity_id: data.user_id,
          event_name: 'user_status_cleared',
          target_details: data.username,
          details: { custom_message: `Cleared the status of ${data.username} (${why}): was ${from}`, change: 'status', from, to: null, reason: data.reason },
        },
      ];
    }
    default:
      return [];
  }
}

export const SOCIAL_AUDIT_MAPPING: AuditMapping = {
  context: 'social',
  eventTypes: [USER_FOLLOWED, USER_UNFOLLOWED, FOLLOWING_PREFERENCE_CHANGED, USER_STATUS_SET, USER_STATUS_CLEARED],
  entriesFor: socialAuditEntries,
};
