import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ProjectionRebuilder, ProjectionRegistry } from '../../../libs/eventstore/src/index.js';
import { Database } from '../../../libs/shared/src/index.js';
import { createUserWithToken, setAccountState, startTestApp, type TestContext } from '../../support/test-app.js';

/** The contexts' schemas; the event store (es_*) stays in `public`. */
const CONTEXT_SCHEMAS = ['identity', 'credentials', 'moderation', 'social', 'activity'];
/** Tables a context's command handlers write beside the append, in its transaction: state kept out of the log on purpose. */
const WRITTEN_BESIDE_THE_LOG = ['identity.user_password_hashes', 'identity.user_avatars', 'credentials.user_totp_secrets', 'credentials.user_recovery_codes'];
/** Tables another service's read models or a worker fill (not inline projections). */
const FILLED_BY_WORKERS = ['activity.audit_events', 'activity.active_user_rollups'];
/** Tables the admin browser session writes (sign-in and sign-out), beside the log on purpose: sessions are not events. */
const WRITTEN_BY_ADMIN_SESSIONS = ['credentials.admin_sessions'];
/** Tables a migration fills once and nothing writes after (the instance's secrets). */
const WRITTEN_BY_MIGRATIONS = ['credentials.instance_secrets'];
/** Tables a trigger derives from another table of the same context, whatever writes that one (projection, rebuild, import). */
const DERIVED_BY_TRIGGERS = ['identity.user_search_postings'];
/** One row per user in each context that keeps per-user columns of its own. */
const PER_USER_TABLES = ['moderation.user_states', 'social.user_follow_stats', 'activity.user_activity', 'credentials.user_two_factor'];

describe('one owner per table: a schema per context, written only by that context', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await startTestApp('table_ownership');
  });
  afterAll(async () => ctx?.close());

  it("every inline projection writes only its own context's schema, and no table has two writers", () => {
    const registry = ctx.api.get(ProjectionRegistry);
    const writers = new Map<string, string>();
    for (const name of registry.names()) {
      const projection = registry.get(name)!;
      const context = name.split('.')[0];
      for (const table of projection.tables) {
        expect(`${name} writes ${table.split('.')[0]}`).toBe(`${name} writes ${context}`);
        expect(writers.get(table) ?? name).toBe(name);
        writers.set(table, name);
      }
    }
    expect([...writers.keys()]).toEqual(expect.arrayContaining(PER_USER_TABLES));
  });

  it('every table in a context schema has exactly one documented writer', async () => {
    const registry = ctx.api.get(ProjectionRegistry);
    const projected = registry.names().flatMap((name) => registry.get(name)!.tables);
    const tables = await ctx.db.query<{ name: string }>(
      `SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname = ANY($1) ORDER BY 1`,
      [CONTEXT_SCHEMAS],
    );
    const writers = [...projected, ...WRITTEN_BESIDE_THE_LOG, ...FILLED_BY_WORKERS, ...WRITTEN_BY_MIGRATIONS, ...WRITTEN_BY_ADMIN_SESSIONS, ...DERIVED_BY_TRIGGERS];
    for (const { name } of tables) expect(`${name}: ${writers.filter((writer) => writer === name).length} writer(s)`).toBe(`${name}: 1 writer(s)`);
    const publicTables = await ctx.db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'typeorm%' ORDER BY 1`);
    expect(publicTables.map((row) => row.tablename)).toEqual(['es_chain_verifications', 'es_event_seals', 'es_events', 'es_snapshots', 'es_streams', 'es_subscriptions']);
  });

  it("a new user gets a row in each context's per-user table, and loses them when deleted", async () => {
    const user = await createUserWithToken(ctx);
    const rows = async () => Promise.all(PER_USER_TABLES.map(async (table) => (await ctx.db.query(`SELECT 1 FROM ${table} WHERE user_id = $1`, [user.id])).length));
    expect(await rows()).toEqual([1, 1, 1, 1]);
    const [defaults] = await ctx.db.query(
      `SELECT s.state, s.locked, f.followers_count, f.following_count, f.enabled_following, a.last_activity_on, a.sign_in_count, t.two_factor_enabled
         FROM moderation.user_states s, social.user_follow_stats f, activity.user_activity a, credentials.user_two_factor t
        WHERE s.user_id = $1 AND f.user_id = $1 AND a.user_id = $1 AND t.user_id = $1`,
      [user.id],
    );
    expect(defaults).toEqual({
      state: 'active', locked: false, followers_count: 0, following_count: 0, enabled_following: true, last_activity_on: null, sign_in_count: 0, two_factor_enabled: false,
    });
    expect((await ctx.http.delete(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(204);
    expect(await rows()).toEqual([0, 0, 0, 0]);
  });

  it("moderation's state event reaches moderation's table, credentials' copy and the user entity, through the event store", async () => {
    const user = await createUserWithToken(ctx, {}, ['api']);
    await setAccountState(ctx, user.id, 'blocked');
    expect(await ctx.db.query('SELECT state FROM moderation.user_states WHERE user_id = $1', [user.id])).toEqual([{ state: 'blocked' }]);
    expect(await ctx.db.query('SELECT state FROM credentials.token_owners WHERE user_id = $1', [user.id])).toEqual([{ state: 'blocked' }]);
    const shown = await ctx.http.get(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(shown.body.state).toBe('blocked');
    const refused = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
    expect(refused.status).toBe(403);
    await setAccountState(ctx, user.id, 'active');
    expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token)).status).toBe(200);
  });

  it('each per-user projection rebuilds row for row from the log', async () => {
    const blocked = await createUserWithToken(ctx);
    await setAccountState(ctx, blocked.id, 'banned');
    const rebuilder = ctx.api.get(ProjectionRebuilder);
    // Most per-user tables are their projection's only table, under its name; social's counts move with its follow graph.
    const projectionOf = (table: string) => (table === 'social.user_follow_stats' ? 'social.follow_graph' : table);
    for (const table of [...PER_USER_TABLES, 'credentials.token_owners']) {
      const snapshot = () => ctx.db.query(`SELECT * FROM ${table} ORDER BY user_id`);
      const before = await snapshot();
      await ctx.db.query(`DELETE FROM ${table}`);
      await rebuilder.rebuild(projectionOf(table));
      expect({ table, rows: await snapshot() }).toEqual({ table, rows: before });
    }
  });

  it('GET /users/:id reads the user with one SQL statement, through the joined view', async () => {
    const viewer = await createUserWithToken(ctx, {}, ['read_user']);
    const target = await createUserWithToken(ctx);
    const get = () => ctx.http.get(`/api/v4/users/${target.id}`).set('PRIVATE-TOKEN', viewer.token);
    expect((await get()).status).toBe(200);
    const db = ctx.api.get(Database);
    const spies = [jest.spyOn(db, 'query'), jest.spyOn(db, 'prepared')];
    try {
      const res = await get();
      expect(res.status).toBe(200);
      expect(res.body.state).toBe('active');
      // Authentication is credentials' own read (cached or not), and the relay's wake-up may follow the
      // first request's token-use event a few milliseconds late; everything else is the one statement.
      const statements = spies
        .flatMap((spy) => spy.mock.calls.map(([sql]) => String(sql)))
        .filter((sql) => !sql.includes('credentials.personal_access_tokens') && !sql.startsWith('SELECT pg_notify('));
      expect(statements).toHaveLength(1);
      expect(statements[0]).toContain('identity.user_entities');
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
  });
});
