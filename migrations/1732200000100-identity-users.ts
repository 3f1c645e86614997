import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Identity read models (owned by the `identity.users` projection) and id sequences. */
export class IdentityUsers1732200000100 implements MigrationInterface {
  name = 'IdentityUsers1732200000100';

  async up(db: QueryRunner): Promise<void> {
    // GitLab's integer ids: allocated before the append and carried in the event.
    await db.query('CREATE SEQUENCE users_id_seq');
    await db.query('CREATE SEQUENCE namespaces_id_seq');
    await db.query(`
      CREATE TABLE users (
        id                      bigint PRIMARY KEY,
        username                text NOT NULL,
        email                   text NOT NULL,
        name                    text NOT NULL,
        state                   text NOT NULL DEFAULT 'active',
        locked                  boolean NOT NULL DEFAULT false,
        user_type               text NOT NULL DEFAULT 'human',
        admin                   boolean NOT NULL DEFAULT false,
        external                boolean NOT NULL DEFAULT false,
        bio                     text NOT NULL DEFAULT '',
        location                text NOT NULL DEFAULT '',
        public_email            text,
        skype                   text NOT NULL DEFAULT '',
        linkedin                text NOT NULL DEFAULT '',
        twitter                 text NOT NULL DEFAULT '',
        discord                 text NOT NULL DEFAULT '',
        website_url             text NOT NULL DEFAULT '',
        organization            text NOT NULL DEFAULT '',
        job_title               text NOT NULL DEFAULT '',
        pronouns                text,
        private_profile         boolean NOT NULL DEFAULT false,
        confirmed_at            timestamptz,
        unconfirmed_email       text,
        theme_id                integer NOT NULL DEFAULT 3,
        color_scheme_id         integer NOT NULL DEFAULT 1,
        projects_limit          integer NOT NULL DEFAULT 100000,
        can_create_group        boolean NOT NULL DEFAULT true,
        two_factor_enabled      boolean NOT NULL DEFAULT false,
        commit_email            text,
        preferred_language      text NOT NULL DEFAULT 'en',
        note                    text,
        namespace_id            bigint NOT NULL,
        created_by_id           bigint,
        email_reset_offered_at  timestamptz,
        timezone                text,
        avatar_path             text,
        password_expires_at     timestamptz,
        last_sign_in_at         timestamptz,
        current_sign_in_at      timestamptz,
        last_sign_in_ip         text,
        current_sign_in_ip      text,
        sign_in_count           integer NOT NULL DEFAULT 0,
        last_activity_on        date,
        followers_count         integer NOT NULL DEFAULT 0,
        following_count         integer NOT NULL DEFAULT 0,
        enabled_following       boolean NOT NULL DEFAULT true,
        view_diffs_file_by_file boolean NOT NULL DEFAULT false,
        show_whitespace_in_diffs boolean NOT NULL DEFAULT true,
        pass_user_identities_to_ci_jwt boolean NOT NULL DEFAULT false,
        created_at              timestamptz NOT NULL,
        updated_at              timestamptz NOT NULL,
        stream_version          bigint NOT NULL
      )`);
    await db.query('CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))');
    await db.query('CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))');
    await db.query('CREATE INDEX users_name_id_idx ON users (name, id)');
    await db.query('CREATE INDEX users_username_id_idx ON users (username, id)');
    await db.query('CREATE INDEX users_updated_at_id_idx ON users (updated_at, id)');
    await db.query(`
      CREATE TABLE user_identities (
        user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        provider   text NOT NULL,
        extern_uid text NOT NULL,
        PRIMARY KEY (user_id, provider)
      )`);
    await db.query('CREATE UNIQUE INDEX user_identities_provider_extern_uid_key ON user_identities (provider, lower(extern_uid))');
    // Password hashes are state beside the log, never in it: events only say a password changed.
    await db.query(`
      CREATE TABLE user_password_hashes (
        user_id       bigint PRIMARY KEY,
        password_hash text NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE user_password_hashes');
    await db.query('DROP TABLE user_identities');
    await db.query('DROP TABLE users');
    await db.query('DROP SEQUENCE namespaces_id_seq');
    await db.query('DROP SEQUENCE users_id_seq');
  }
}
