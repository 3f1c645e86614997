/** Social's follow events, on the follower's stream (`social.user-<follower id>`). */

export const USER_FOLLOWED = 'social.user_followed';
export const USER_UNFOLLOWED = 'social.user_unfollowed';
export const FOLLOWING_PREFERENCE_CHANGED = 'social.following_preference_changed';

export interface UserFollowedData {
  follower_id: number;
  followee_id: number;
  /** Usernames at the time, so readers of the log need not look them up. */
  follower_username: string;
  followee_username: string;
  followed_at: string;
}

export interface UserUnfollowedData {
  follower_id: number;
  followee_id: number;
  follower_username: string;
  followee_username: string;
  unfollowed_at: string;
}

/**
 * The user's `enabled_following` preference changed. Turning it off also removes every follow
 * edge of the user, in both directions (GitLab's `remove_followers_and_followee!`).
 */
export interface FollowingPreferenceChangedData {
  user_id: number;
  username: string;
  enabled_following: boolean;
}

export type FollowEvent =
  | { type: typeof USER_FOLLOWED; schemaVersion: 1; data: UserFollowedData }
  | { type: typeof USER_UNFOLLOWED; schemaVersion: 1; data: UserUnfollowedData }
  | { type: typeof FOLLOWING_PREFERENCE_CHANGED; schemaVersion: 1; data: FollowingPreferenceChangedData };

/** A user's social stream: who they follow, their following preference and their status history. */
export function socialStreamId(userId: number): string {
  return `social.user-${userId}`;
}
