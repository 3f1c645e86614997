import { Injectable } from '@nestjs/common';
import { isInternalUserType, type ProjectedEvent, type Queryable } from '@app/kernel';
import type { InlineProjection } from '@app/eventstore';
import { USER_CREATED, USER_DELETED, type UserCreatedData } from '@app/identity/events';
import { USER_STATE_CHANGED, type UserStateChangedData } from '@app/moderation/events';
import {
  FOLLOWING_PREFERENCE_CHANGED,
  USER_FOLLOWED,
  USER_UNFOLLOWED,
  type FollowingPreferenceChangedData,
  type UserFollowedData,
  type UserUnfollowedData,
} from '../domain/follow/follow.events.js';

export const FOLLOW_GRAPH_PROJECTION = 'social.follow_graph';

/**
 * Adds `sign` × each edge in the CTE `edges` to its two ends' counts: the followee gains a
 * follower, the follower a followee, each only if the other end counts as active. One UPDATE
 * touches each user once, however many of the edges meet there.
 */
const adjustCountsForEdges = (sign: 1 | -1): string => `
  , ends AS (
      SELECT e.followee_id AS user_id, CASE WHEN a.counts_as_active THEN 1 ELSE 0 END AS followers, 0 AS following
        FROM edges e JOIN social.user_follow_stats a ON a.user_id = e.follower_id
      UNION ALL
      SELECT e.follower_id, 0, CASE WHEN b.counts_as_active THEN 1 ELSE 0 END
        FROM edges e JOIN social.user_follow_stats b ON b.user_id = e.followee_id)
  , sums AS (SELECT user_id, sum(followers)::int AS followers, sum(following)::int AS following FROM ends GROUP BY user_id)
  UPDATE social.user_follow_stats s
     SET followers_count = s.followers_count + ${sign} * sums.followers, following_count = s.following_count + ${sign} * sums.following
    FROM sums WHERE s.user_id = sums.user_id`;

/** Removes every edge of user $1, in both directions, and takes them off the other ends' counts. */
const REMOVE_ALL_EDGES_OF = `
  WITH edges AS (DELETE FROM social.follows WHERE follower_id = $1 OR followee_id = $1 RETURNING follower_id, followee_id)
  ${adjustCountsForEdges(-1)}`;

/**
 * Adds the edge $1 → $2 if both ends allow following at the time it commits. The two ends' rows
 * are locked first (in id order, so crossing follows do not deadlock): a follow decided just before
 * the followee turned following off either commits first (and that change then removes the edge)
 * or waits for it and adds nothing, so no edge ever outlives the preference. Replaying the log
 * gives the same graph, since events replay in commit order.
 */
const FOLLOW = `
  WITH allowing AS (
      SELECT user_id, enabled_following FROM social.user_follow_stats WHERE user_id IN ($1, $2) ORDER BY user_id FOR NO KEY UPDATE)
  , edges AS (
      INSERT INTO social.follows (follower_id, followee_id, created_at)
      SELECT $1, $2, $3 WHERE (SELECT count(*) FROM allowing WHERE enabled_following) = 2
      ON CONFLICT DO NOTHING RETURNING follower_id, followee_id)
  ${adjustCountsForEdges(1)}`;

/**
 * Turns user $1's `counts_as_active` to $2 and moves the counts it is part of: each user they
 * follow gains or loses a follower, each user following them a followee. A user with many
 * followers makes this touch that many rows, in the transaction of the state change.
 */
const SET_COUNTS_AS_ACTIVE = `
  WITH target AS (
      UPDATE social.user_follow_stats SET counts_as_active = $2 WHERE user_id = $1 AND counts_as_active <> $2 RETURNING user_id)
  , ends AS (
      SELECT f.followee_id AS user_id, 1 AS followers, 0 AS following FROM social.follows f JOIN target t ON f.follower_id = t.user_id
      UNION ALL
      SELECT f.follower_id, 0, 1 FROM social.follows f JOIN target t ON f.followee_id = t.user_id)
  , sums AS (SELECT user_id, sum(followers)::int AS followers, sum(following)::int AS following FROM ends GROUP BY user_id)
  UPDATE social.user_follow_stats s
     SET followers_count = s.followers_count + (CASE WHEN $2 THEN 1 ELSE -1 END) * sums.followers,
         following_count = s.following_count + (CASE WHEN $2 THEN 1 ELSE -1 END) * sums.following
    FROM sums WHERE s.user_id = sums.user_id`;

/**
 * The follow graph (`social.follows`) and, per user, the counts the user entities show
 * (`social.user_follow_stats`): followers and followees that count as active (state active, not an
 * internal user, GitLab's `active` scope), the `enabled_following` preference and the user's own
 * `counts_as_active`. Both tables are kept by this one projection, in the append's transaction, so
 * that the counts move with the edges and with every state change of either end.
 */
@Injectable()
export class FollowGraphProjection implements InlineProjection {
  readonly name = FOLLOW_GRAPH_PROJECTION;
  readonly tables = ['social.follows', 'social.user_follow_stats'];
  readonly eventTypes = [USER_CREATED, USER_DELETED, USER_STATE_CHANGED, USER_FOLLOWED, USER_UNFOLLOWED, FOLLOWING_PREFERENCE_CHANGED];

  async apply(event: ProjectedEvent, db: Queryable): Promise<void> {
    switch (event.type) {
      case USER_CREATED: {
        const data = event.data as UserCreatedData;
        await db.query('INSERT INTO social.user_follow_stats (user_id, counts_as_active) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING', [
          data.id,
          !isInternalUserType(data.user_type),
        ]);
        return;
      }
      case USER_DELETED: {
        const userId = (event.data as { id: number }).id;
        await db.query(REMOVE_ALL_EDGES_OF, [userId]);
        await db.query('DELETE FROM social.user_follow_stats WHERE user_id = $1', [userId]);
        return;
      }
      case USER_STATE_CHANGED: {
        const data = event.data as UserStateChangedData;
        // Internal users never change state (moderation refuses it), so a state is all that decides here.
        await db.query(SET_COUNTS_AS_ACTIVE, [data.user_id, data.to === 'active']);
        return;
      }
      case USER_FOLLOWED: {
        const data = event.data as UserFollowedData;
        await db.query(FOLLOW, [data.follower_id, data.followee_id, data.followed_at]);
        return;
      }
      case USER_UNFOLLOWED: {
        const data = event.data as UserUnfollowedData;
        await db.query(
          `WITH edges AS (DELETE FROM social.follows WHERE follower_id = $1 AND followee_id = $2 RETURNING follower_id, followee_id)
           ${adjustCountsForEdges(-1)}`,
          [data.follower_id, data.followee_id],
        );
        return;
      }
      case FOLLOWING_PREFERENCE_CHANGED: {
        const data = event.data as FollowingPreferenceChangedData;
        // The row first: a follow of this user that is being written waits for it, or this waits for
        // that follow to commit and then removes its edge too (see FOLLOW).
        await db.query('UPDATE social.user_follow_stats SET enabled_following = $2 WHERE user_id = $1', [data.user_id, data.enabled_following]);
        if (!data.enabled_following) await db.query(REMOVE_ALL_EDGES_OF, [data.user_id]);
        return;
      }
    }
  }
}
