import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../libs/shared/src/index.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import { createTestDatabase, dropDatabase } from '../../support/test-database.js';

/**
 * The migration that gave each context its schema and tables carries existing values over, and
 * can be reverted without losing them (a rollback of a release must not reset users' states).
 */
describe('migration: context schemas, up and down with data in place', () => {
  let name: string;
  let source: DataSource;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => source.query(text, params) as Promise<T[]>;

  beforeAll(async () => {
    const database = await createTestDatabase('context_schemas_migration');
    name = database.name;
    source = new DataSource(dataSourceOptions(database.url, MIGRATIONS, 2));
    await source.initialize();
  });
  afterAll(async () => {
    await source?.destroy();
    if (name) await dropDatabase(name);
  });

  it('moves the values back into users on the way down, and out again on the way up', async () => {
    await sql(`INSERT INTO identity.users (id, username, email, name, namespace_id, created_at, updated_at, stream_version)
               VALUES (41, 'mover', 'mover@example.org', 'Mover', 41, now(), now(), 1)`);
    await sql(`INSERT INTO moderation.user_states (user_id, state, locked) VALUES (41, 'banned', true)`);
    await sql(`INSERT INTO social.user_follow_stats (user_id, followers_count, following_count, enabled_following) VALUES (41, 7, 3, false)`);
    await sql(`INSERT INTO activity.user_activity (user_id, last_activity_on, sign_in_count, current_sign_in_ip) VALUES (41, '2026-11-30', 12, '10.0.0.9')`);
    await sql(`INSERT INTO credentials.user_two_factor (user_id, two_factor_enabled) VALUES (41, true)`);
    const entity = async () =>
      (await sql(`SELECT state, locked, followers_count, following_count, enabled_following, to_char(last_activity_on, 'YYYY-MM-DD') AS last_activity_on,
                         sign_in_count, current_sign_in_ip, two_factor_enabled FROM identity.user_entities WHERE id = 41`))[0];
    const expected = {
      state: 'banned', locked: true, followers_count: 7, following_count: 3, enabled_following: false, last_activity_on: '2026-11-30',
      sign_in_count: 12, current_sign_in_ip: '10.0.0.9', two_factor_enabled: true,
    };
    expect(await entity()).toEqual(expected);

    // Revert down to (and including) this migration, whatever came after it.
    const after = MIGRATIONS.length - MIGRATIONS.findIndex((migration) => migration.name === 'ContextSchemas1732200002000');
    for (let i = 0; i < after; i += 1) await source.undoLastMigration();
    const [flat] = await sql(`SELECT state, locked, followers_count, enabled_following, sign_in_count, two_factor_enabled FROM public.users WHERE id = 41`);
    expect(flat).toEqual({ state: 'banned', locked: true, followers_count: 7, enabled_following: false, sign_in_count: 12, two_factor_enabled: true });
    expect(await sql(`SELECT nspname FROM pg_namespace WHERE nspname IN ('identity', 'credentials', 'moderation', 'social', 'activity')`)).toEqual([]);

    await source.runMigrations({ transaction: 'each' });
    expect(await entity()).toEqual(expected);
    expect(await sql(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'identity' AND table_name = 'users' AND column_name IN ('state', 'followers_count', 'two_factor_enabled', 'last_activity_on')`)).toEqual([]);
  });
});
