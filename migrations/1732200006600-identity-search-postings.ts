import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trigram postings in search order, so a user search reads its first page without sorting every
 * match. Each user has one row per distinct three-character piece of their indexed search text
 * (lower(name) || ' ' || lower(username)), keyed by (trigram, name, user_id): a term's matches all
 * contain each of its own pieces, so walking one piece's postings in key order visits every match
 * in the order the page shows them (name, then id), and the walk stops at the page's end. The
 * text rides in the index, so candidates are rechecked without reading the users table.
 *
 * Triggers on identity.users keep the postings, whatever writes the users (commands, projection
 * rebuilds, imports). The search walks the rarest piece of the term, as PostgreSQL's statistics on
 * the table tell: the largest statistics target lists every piece with more than a few thousand
 * postings among the most common values (at 1,000,000 users, ANALYZE samples 3,000,000 of the
 * 26,000,000 rows, in about 16 s), so an unlisted piece is known to be rare.
 */
export class IdentitySearchPostings1732200006600 implements MigrationInterface {
  name = 'IdentitySearchPostings1732200006600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION identity.search_trigrams(search_text text) RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT coalesce(array_agg(DISTINCT substr(search_text, i, 3)), '{}') FROM generate_series(1, length(search_text) - 2) AS i $$`);
    await db.query(`
      CREATE TABLE identity.user_search_postings (
        trigram     text NOT NULL,
        name        text NOT NULL,
        user_id     bigint NOT NULL,
        search_text text NOT NULL
      )`);
    await db.query('ALTER TABLE identity.user_search_postings ALTER COLUMN trigram SET STATISTICS 10000');
    await db.query(`
      CREATE FUNCTION identity.search_postings(bigint, text, text)
        RETURNS TABLE (trigram text, name text, user_id bigint, search_text text)
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT piece, $2, $1, lower($2) || ' ' || lower($3) FROM unnest(identity.search_trigrams(lower($2) || ' ' || lower($3))) AS piece $$`);
    // Inserts and deletes are handled once per statement, over all its rows: a bulk import or a
    // projection rebuild writes the postings in one statement instead of one per user.
    await db.query(`
      CREATE FUNCTION identity.add_search_postings() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO identity.user_search_postings (trigram, name, user_id, search_text)
        SELECT p.* FROM added_users a, identity.search_postings(a.id, a.name, a.username) p;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION identity.remove_search_postings() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM identity.user_search_postings d
         USING removed_users r, identity.search_postings(r.id, r.name, r.username) p
         WHERE d.trigram = p.trigram AND d.name = p.name AND d.user_id = p.user_id;
        RETURN NULL;
      END $$`);
    // A rename is one row at a time, and only when the name or username changed.
    await db.query(`
      CREATE FUNCTION identity.move_search_postings() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM identity.user_search_postings d
         USING identity.search_postings(OLD.id, OLD.name, OLD.username) p
         WHERE d.trigram = p.trigram AND d.name = p.name AND d.user_id = p.user_id;
        INSERT INTO identity.user_search_postings (trigram, name, user_id, search_text)
        SELECT * FROM identity.search_postings(NEW.id, NEW.name, NEW.username);
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER users_search_postings_insert AFTER INSERT ON identity.users
        REFERENCING NEW TABLE AS added_users FOR EACH STATEMENT EXECUTE FUNCTION identity.add_search_postings()`);
    await db.query(`
      CREATE TRIGGER users_search_postings_delete AFTER DELETE ON identity.users
        REFERENCING OLD TABLE AS removed_users FOR EACH STATEMENT EXECUTE FUNCTION identity.remove_search_postings()`);
    await db.query(`
      CREATE TRIGGER users_search_postings_update AFTER UPDATE OF name, username ON identity.users
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.username IS DISTINCT FROM NEW.username)
        EXECUTE FUNCTION identity.move_search_postings()`);
    await db.query(`
      CREATE FUNCTION identity.clear_search_postings() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE identity.user_search_postings;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER users_search_postings_truncate AFTER TRUNCATE ON identity.users
        FOR EACH STATEMENT EXECUTE FUNCTION identity.clear_search_postings()`);
    // The triggers exist before the backfill, and hold writers off until this commits: no user is missed.
    await db.query(`
      INSERT INTO identity.user_search_postings (trigram, name, user_id, search_text)
      SELECT p.* FROM identity.users u, identity.search_postings(u.id, u.name, u.username) p`);
    // Built after the rows, the index is packed (built row by row, it came out 1.7 times larger).
    await db.query('ALTER TABLE identity.user_search_postings ADD PRIMARY KEY (trigram, name, user_id) INCLUDE (search_text)');
    await db.query('ANALYZE identity.user_search_postings');
  }

  async down(db: QueryRunner): Promise<void> {
    for (const trigger of ['truncate', 'update', 'delete', 'insert']) await db.query(`DROP TRIGGER users_search_postings_${trigger} ON identity.users`);
    for (const fn of ['clear', 'move', 'remove', 'add']) await db.query(`DROP FUNCTION identity.${fn}_search_postings()`);
    await db.query('DROP TABLE identity.user_search_postings');
    await db.query('DROP FUNCTION identity.search_postings(bigint, text, text)');
    await db.query('DROP FUNCTION identity.search_trigrams(text)');
  }
}
