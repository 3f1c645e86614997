import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NON_INTERNAL_USER_TYPES } from '@app/kernel';

/**
 * The social context's tables: the follow graph (`social.follows`, one row per edge), whether each
 * user counts in others' follower and followee counts (`counts_as_active`: state active and not an
 * internal user, GitLab's `active` scope), and user statuses. All three are written by social's
 * inline projections only.
 */
export class SocialFollowsStatuses1732200006000 implements MigrationInterface {
  name = 'SocialFollowsStatuses1732200006000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE social.follows (
        follower_id bigint NOT NULL,
        followee_id bigint NOT NULL,
        created_at  timestamptz NOT NULL,
        PRIMARY KEY (follower_id, followee_id)
      )`);
    // Followers of a user in id order, walked by keyset: the primary key serves the other direction.
    await db.query('CREATE UNIQUE INDEX follows_followee_follower_key ON social.follows (followee_id, follower_id)');
    await db.query('ALTER TABLE social.user_follow_stats ADD COLUMN counts_as_active boolean NOT NULL DEFAULT true');
    await db.query(
      `UPDATE social.user_follow_stats f SET counts_as_active = (COALESCE(s.state, 'active') = 'active' AND u.user_type = ANY($1))
         FROM identity.users u LEFT JOIN moderation.user_states s ON s.user_id = u.id
        WHERE u.id = f.user_id`,
      [NON_INTERNAL_USER_TYPES],
    );
    await db.query(`
      CREATE TABLE social.user_statuses (
        user_id         bigint PRIMARY KEY,
        emoji           text NOT NULL,
        message         text,
        availability    text NOT NULL,
        clear_status_at timestamptz,
        set_at          timestamptz NOT NULL
      )`);
    // The expiry sweep's scan: only statuses that expire at all.
    await db.query('CREATE INDEX user_statuses_clear_status_at_idx ON social.user_statuses (clear_status_at) WHERE clear_status_at IS NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE social.user_statuses');
    await db.query('ALTER TABLE social.user_follow_stats DROP COLUMN counts_as_active');
    await db.query('DROP TABLE social.follows');
  }
}
