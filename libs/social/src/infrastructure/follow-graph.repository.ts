import { Injectable } from '@nestjs/common';
import { Database, isRecordId } from '@app/shared';
import { MAX_FOLLOWEES } from '../domain/social.errors.js';

export type FollowDirection = 'followers' | 'following';

/** What a follow or unfollow decides on, read after the follower's stream was loaded. */
export interface FollowFacts {
  /** False when the user has no row: they do not exist (or are being deleted). */
  followeeExists: boolean;
  followeeEnabled: boolean;
  alreadyFollowing: boolean;
  /** How many users the follower follows, whatever their state (GitLab's limit counts every row), capped at the limit. */
  followeeCount: number;
}

const FACTS = `
  SELECT s.enabled_following,
         EXISTS (SELECT 1 FROM social.follows WHERE follower_id = $1 AND followee_id = $2) AS already,
         (SELECT count(*) FROM (SELECT 1 FROM social.follows WHERE follower_id = $1 LIMIT ${MAX_FOLLOWEES}) capped)::int AS followee_count
    FROM social.user_follow_stats s WHERE s.user_id = $2`;

/** The listed end of each edge, and the end the list is about. */
const ENDS: Record<FollowDirection, { listed: string; of: string }> = {
  followers: { listed: 'follower_id', of: 'followee_id' },
  following: { listed: 'followee_id', of: 'follower_id' },
};

/** Reads of the follow graph (`social.follows`, `social.user_follow_stats`). */
@Injectable()
export class FollowGraphRepository {
  constructor(private readonly db: Database) {}

  async facts(followerId: number, followeeId: number): Promise<FollowFacts> {
    const rows = await this.db.prepared<{ enabled_following: boolean; already: boolean; followee_count: number }>(FACTS, [followerId, followeeId]);
    if (rows.length === 0) return { followeeExists: false, followeeEnabled: false, alreadyFollowing: false, followeeCount: 0 };
    return { followeeExists: true, followeeEnabled: rows[0].enabled_following, alreadyFollowing: rows[0].already, followeeCount: rows[0].followee_count };
  }

  async followingEnabled(userId: number): Promise<boolean> {
    const rows = await this.db.prepared<{ enabled_following: boolean }>('SELECT enabled_following FROM social.user_follow_stats WHERE user_id = $1', [userId]);
    return rows.length ? rows[0].enabled_following : true;
  }

  /** The user's count of active followers or followees: the total of the matching list. */
  async count(userId: number, direction: FollowDirection): Promise<number> {
    const column = direction === 'followers' ? 'followers_count' : 'following_count';
    const rows = await this.db.prepared<{ n: number }>(`SELECT ${column} AS n FROM social.user_follow_stats WHERE user_id = $1`, [userId]);
    return rows.length ? rows[0].n : 0;
  }

  /**
   * Ids of the active users at the other end of `userId`'s edges, ascending: `offset` rows in, or
   * after the id `after` (keyset; the index on the pair walks straight there at any depth).
   */
  async page(userId: number, direction: FollowDirection, limit: number, position: { offset: number } | { after: number }): Promise<number[]> {
    if (!isRecordId(userId)) return [];
    const { listed, of } = ENDS[direction];
    const keyset = 'after' in position;
    const rows = await this.db.prepared<{ id: string }>(
      `SELECT f.${listed} AS id FROM social.follows f JOIN social.user_follow_stats s ON s.user_id = f.${listed} AND s.counts_as_active
        WHERE f.${of} = $1 ${keyset ? `AND f.${listed} > $3` : ''}
        ORDER BY f.${listed} LIMIT $2 ${keyset ? '' : 'OFFSET $3'}`,
      [userId, limit, keyset ? position.after : position.offset],
    );
    return rows.map((row) => Number(row.id));
  }
}
