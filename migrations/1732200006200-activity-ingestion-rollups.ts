import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Activity's read models for what other services report (memberships, contribution events,
 * per-user counters, and which sender ids were recorded) and for the active-user rollups (the
 * days and months each user was active, and the figures computed from them).
 */
export class ActivityIngestionRollups1732200006200 implements MigrationInterface {
  name = 'ActivityIngestionRollups1732200006200';

  async up(db: QueryRunner): Promise<void> {
    // Numbers for recorded items, taken by the command and kept in its event: ids stay the same after a rebuild.
    await db.query('CREATE SEQUENCE activity.ingested_item_seq');
    await db.query(`
      CREATE TABLE activity.ingested_items (
        source   text NOT NULL,
        item_id  text NOT NULL,
        seq      bigint NOT NULL,
        kind     text NOT NULL,
        PRIMARY KEY (source, item_id)
      )`);
    await db.query(`
      CREATE TABLE activity.memberships (
        id            bigint NOT NULL UNIQUE,
        user_id       bigint NOT NULL,
        source_type   text NOT NULL CHECK (source_type IN ('Project', 'Namespace')),
        source_id     bigint NOT NULL,
        source_name   text NOT NULL,
        access_level  integer NOT NULL,
        requested     boolean NOT NULL,
        updated_at    timestamptz NOT NULL,
        PRIMARY KEY (user_id, source_type, source_id)
      )`);
    await db.query('CREATE INDEX memberships_user_id_id_idx ON activity.memberships (user_id, id)');
    await db.query(`
      CREATE TABLE activity.contribution_events (
        id                  bigint PRIMARY KEY,
        source              text NOT NULL,
        item_id             text NOT NULL,
        author_id           bigint NOT NULL,
        action              text NOT NULL,
        project_id          bigint,
        project_visibility  text NOT NULL CHECK (project_visibility IN ('public', 'internal', 'private')),
        target_type         text,
        target_id           bigint,
        target_iid          bigint,
        target_title        text,
        created_at          timestamptz NOT NULL,
        push_data           jsonb,
        note                jsonb,
        wiki_page           jsonb
      )`);
    await db.query('CREATE INDEX contribution_events_author_id_idx ON activity.contribution_events (author_id, id)');
    // associations_count: issues and merge requests a user opened.
    await db.query(`CREATE INDEX contribution_events_authored_idx ON activity.contribution_events (author_id, target_type, project_id, target_id)
                    WHERE action = 'created' AND target_type IN ('Issue', 'MergeRequest')`);
    await db.query(`
      CREATE TABLE activity.user_counts (
        user_id                          bigint PRIMARY KEY,
        assigned_issues                  integer NOT NULL,
        assigned_merge_requests          integer NOT NULL,
        review_requested_merge_requests  integer NOT NULL,
        todos                            integer NOT NULL,
        as_of                            timestamptz NOT NULL
      )`);
    await db.query('CREATE TABLE activity.user_activity_days (day date NOT NULL, user_id bigint NOT NULL, PRIMARY KEY (day, user_id))');
    await db.query('CREATE TABLE activity.user_activity_months (month date NOT NULL, user_id bigint NOT NULL, PRIMARY KEY (month, user_id))');
    await db.query(`
      CREATE TABLE activity.active_user_rollups (
        period        text NOT NULL CHECK (period IN ('day', 'month')),
        period_start  date NOT NULL,
        active_users  integer NOT NULL,
        computed_at   timestamptz NOT NULL,
        PRIMARY KEY (period, period_start)
      )`);
    // The days already in the log.
    await db.query(`INSERT INTO activity.user_activity_days (day, user_id)
                    SELECT DISTINCT (data->>'day')::date, (data->>'user_id')::bigint FROM es_events WHERE event_type = 'activity.user_activity_recorded'`);
    await db.query(`INSERT INTO activity.user_activity_months (month, user_id)
                    SELECT DISTINCT date_trunc('month', day)::date, user_id FROM activity.user_activity_days`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE activity.active_user_rollups, activity.user_activity_months, activity.user_activity_days, activity.user_counts,
                    activity.contribution_events, activity.memberships, activity.ingested_items`);
    await db.query('DROP SEQUENCE activity.ingested_item_seq');
  }
}
