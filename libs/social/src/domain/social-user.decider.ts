import type { Decider } from '@app/kernel';
import {
  FOLLOWING_PREFERENCE_CHANGED,
  USER_FOLLOWED,
  USER_UNFOLLOWED,
  type FollowEvent,
} from './follow/follow.events.js';
import { USER_STATUS_CLEARED, USER_STATUS_SET, type Availability, type UserStatusEvent, type UserStatusValue } from './status/user-status.events.js';
import { AVAILABILITIES, CLEAR_STATUS_AFTER, DEFAULT_STATUS_EMOJI, isBlank, MAX_STATUS_MESSAGE_LENGTH } from './status/user-status.rules.js';
import { FolloweeLimitError, MAX_FOLLOWEES, UserStatusInvalidError } from './social.errors.js';

export type SocialEvent = FollowEvent | UserStatusEvent;

/** What a user's social stream knows: their own preference and their current status. The edges live in the projection. */
export interface SocialUserState {
  enabledFollowing: boolean;
  status: UserStatusValue | null;
}

interface UserRef {
  id: number;
  username: string;
}

/**
 * `follow` and `unfollow` run on the follower's stream. What they need of the rest of the graph
 * (the followee's preference, the edge, the follower's edge count) is read by the handler after the
 * stream was loaded; every follow and unfollow of a follower appends to that follower's stream,
 * so a concurrent one makes the append conflict and the command is decided again on fresh reads.
 */
export type SocialCommand =
  | { kind: 'follow'; follower: UserRef; followee: UserRef; followeeEnabled: boolean; alreadyFollowing: boolean; followeeCount: number }
  | { kind: 'unfollow'; follower: UserRef; followee: UserRef; following: boolean }
  | { kind: 'set_following_preference'; user: UserRef; enabled: boolean }
  | {
      kind: 'set_status';
      user: UserRef;
      /** `put` replaces every field (a missing one counts as null); `patch` changes only the fields given. */
      mode: 'put' | 'patch';
      fields: { emoji?: string | null; message?: string | null; availability?: string | null; clear_status_after?: string | null };
      isKnownEmoji: (name: string) => boolean;
      /** `clear_status_after` lengths are divided by this (1 but in tests). */
      timeScale: number;
    }
  | { kind: 'clear_expired_status'; user: UserRef; clearStatusAt: string };

const evolve = (state: SocialUserState, event: SocialEvent): SocialUserState => {
  switch (event.type) {
    case FOLLOWING_PREFERENCE_CHANGED:
      return { ...state, enabledFollowing: event.data.enabled_following };
    case USER_STATUS_SET: {
      const { emoji, message, availability, clear_status_at } = event.data;
      return { ...state, status: { emoji, message, availability, clear_status_at } };
    }
    case USER_STATUS_CLEARED:
      return { ...state, status: null };
    default:
      return state;
  }
};

function decideFollow(command: Extract<SocialCommand, { kind: 'follow' }>, state: SocialUserState, now: Date): SocialEvent[] {
  const { follower, followee } = command;
  // GitLab's `following_users_allowed?`: never yourself, and both sides must allow it (304).
  if (follower.id === followee.id || !state.enabledFollowing || !command.followeeEnabled) return [];
  // The limit is checked before the duplicate, as GitLab's model validation runs before its unique index.
  if (command.followeeCount >= MAX_FOLLOWEES) throw new FolloweeLimitError();
  if (command.alreadyFollowing) return [];
  return [
    {
      type: USER_FOLLOWED,
      schemaVersion: 1,
      data: { follower_id: follower.id, followee_id: followee.id, follower_username: follower.username, followee_username: followee.username, followed_at: now.toISOString() },
    },
  ];
}

/** The status a `set_status` command asks for (`null`: none), before validation. */
function requestedStatus(command: Extract<SocialCommand, { kind: 'set_status' }>, current: UserStatusValue | null, now: Date): UserStatusValue | null {
  const { fields, mode } = command;
  const pick = <K extends 'emoji' | 'message' | 'availability'>(key: K): string | null =>
    mode === 'put' || key in fields ? (fields[key] ?? null) : (current?.[key] ?? null);
  const emoji = pick('emoji');
  const message = pick('message');
  const availability = pick('availability');
  if (isBlank(emoji) && isBlank(message) && (isBlank(availability) || availability === 'not_set')) return null;
  let clearStatusAt: string | null;
  if (mode === 'put' || 'clear_status_after' in fields) {
    const after = fields.clear_status_after ?? null;
    clearStatusAt = after === null ? null : new Date(now.getTime() + Math.round(CLEAR_STATUS_AFTER[after] / command.timeScale)).toISOString();
  } else {
    clearStatusAt = current?.clear_status_at ?? null;
  }
  return {
    emoji: isBlank(emoji) ? DEFAULT_STATUS_EMOJI : emoji!,
    message: message,
    // GitLab's newest service turns an unknown availability into `not_set`.
    availability: AVAILABILITIES.includes(availability as Availability) ? (availability as Availability) : 'not_set',
    clear_status_at: clearStatusAt,
  };
}

function sameStatus(a: UserStatusValue, b: UserStatusValue): boolean {
  return a.emoji === b.emoji && a.message === b.message && a.availability === b.availability && a.clear_status_at === b.clear_status_at;
}

/** The status in force at `now`: one past its `clear_status_at` is gone, whether or not its expiry was recorded yet. */
function statusInForce(status: UserStatusValue | null, now: Date): UserStatusValue | null {
  return status && (status.clear_status_at === null || Date.parse(status.clear_status_at) > now.getTime()) ? status : null;
}

function decideStatus(command: Extract<SocialCommand, { kind: 'set_status' }>, state: SocialUserState, now: Date): SocialEvent[] {
  const { user } = command;
  // A change after the expiry starts from no status, as reads show it (the expiry job then finds a newer status and does nothing).
  const current = statusInForce(state.status, now);
  const next = requestedStatus(command, current, now);
  if (next === null) {
    if (!current) return [];
    return [{ type: USER_STATUS_CLEARED, schemaVersion: 1, data: { user_id: user.id, username: user.username, previous: current, reason: 'user', cleared_at: now.toISOString() } }];
  }
  const errors: Record<string, string[]> = {};
  if (!command.isKnownEmoji(next.emoji)) errors.emoji = ['is not a valid emoji name'];
  // Ruby counts characters, not UTF-16 units.
  if (next.message !== null && [...next.message].length > MAX_STATUS_MESSAGE_LENGTH) errors.message = [`is too long (maximum is ${MAX_STATUS_MESSAGE_LENGTH} characters)`];
  if (Object.keys(errors).length > 0) throw new UserStatusInvalidError(errors);
  if (current && sameStatus(current, next)) return [];
  return [{ type: USER_STATUS_SET, schemaVersion: 1, data: { user_id: user.id, username: user.username, ...next, previous: current, set_at: now.toISOString() } }];
}

function decide(command: SocialCommand, state: SocialUserState, now: Date): SocialEvent[] {
  switch (command.kind) {
    case 'follow':
      return decideFollow(command, state, now);
    case 'unfollow': {
      // GitLab deletes the edge if there is one; nothing else is checked (304 otherwise).
      if (!command.following) return [];
      const { follower, followee } = command;
      return [
        {
          type: USER_UNFOLLOWED,
          schemaVersion: 1,
          data: { follower_id: follower.id, followee_id: followee.id, follower_username: follower.username, followee_username: followee.username, unfollowed_at: now.toISOString() },
        },
      ];
    }
    case 'set_following_preference':
      if (state.enabledFollowing === command.enabled) return [];
      return [{ type: FOLLOWING_PREFERENCE_CHANGED, schemaVersion: 1, data: { user_id: command.user.id, username: command.user.username, enabled_following: command.enabled } }];
    case 'set_status':
      return decideStatus(command, state, now);
    case 'clear_expired_status': {
      // Keyed by the expiry it was scheduled for: a newer status (another expiry, or none) makes this a no-op.
      const current = state.status;
      if (!current || current.clear_status_at !== command.clearStatusAt || Date.parse(command.clearStatusAt) > now.getTime()) return [];
      return [
        { type: USER_STATUS_CLEARED, schemaVersion: 1, data: { user_id: command.user.id, username: command.user.username, previous: current, reason: 'expired', cleared_at: now.toISOString() } },
      ];
    }
  }
}

/** A user's social stream (`social.user-<id>`): follows they make, their following preference, their status. */
export const SOCIAL_USER_DECIDER: Decider<SocialCommand, SocialUserState, SocialEvent> = {
  initialState: { enabledFollowing: true, status: null },
  evolve,
  decide,
  snapshot: { name: 'social.user', version: 1 },
};
