import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, startTestApp, unique, type TestContext } from '../../support/test-app.js';

/**
 * The Ghost user (reference §7): a soft deletion moves contributions to it, so it must
 * exist afterwards, exactly once; a hard deletion does not need it. Each describe has
 * its own database, so "no ghost yet" is a known starting point.
 */

async function ghosts(ctx: TestContext): Promise<{ id: string; username: string; user_type: string }[]> {
  return ctx.db.query("SELECT id::text AS id, username, user_type FROM identity.users WHERE user_type = 'ghost' ORDER BY users.id");
}

/** The deletion as stored in the user's stream: the handover to the ghost is recorded there, for every read model and the audit. */
async function deletionEvent(ctx: TestContext, userId: number): Promise<{ hard_delete: boolean; ghost_user_id: number | null }> {
  const rows = await ctx.db.query<{ data: { hard_delete: boolean; ghost_user_id: number | null } }>(
    "SELECT data FROM es_events WHERE stream_id = $1 AND event_type = 'identity.user_deleted'",
    [`identity.user-${userId}`],
  );
  expect(rows).toHaveLength(1);
  return rows[0].data;
}

describe('DELETE /api/v4/users/:id and the ghost user', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp('users_ghost');
  });
  afterAll(async () => ctx?.close());

  const victim = () => createUserWithToken(ctx, { username: unique('victim') });

  it('no ghost user exists on a fresh instance', async () => {
    expect(await ghosts(ctx)).toEqual([]);
  });

  it('hard_delete=true sent as a JSON body does not create the ghost user', async () => {
    const user = await victim();
    const res = await ctx.http.delete(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ hard_delete: true });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await ghosts(ctx)).toEqual([]);
    const lookup = await ctx.http.get('/api/v4/users').query({ username: 'ghost' }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(lookup.body).toEqual([]);
  });

  it('a soft deletion creates the ghost user (username ghost, user_type ghost)', async () => {
    const user = await victim();
    const res = await ctx.http.delete(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(204);
    const rows = await ghosts(ctx);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ username: 'ghost', user_type: 'ghost' });
    const lookup = await ctx.http.get('/api/v4/users').query({ username: 'ghost' }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(lookup.status).toBe(200);
    expect(lookup.body).toHaveLength(1);
    expect(lookup.body[0]).toMatchObject({ id: Number(rows[0].id), username: 'ghost', name: 'Ghost User', is_admin: false });
  });

  it("the stored deletion event names the ghost user's id for a soft delete and null for a hard one; the audit row says which it was", async () => {
    const [ghost] = await ghosts(ctx);
    const soft = await victim();
    const hard = await victim();
    expect((await ctx.http.delete(`/api/v4/users/${soft.id}`).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(204);
    expect((await ctx.http.delete(`/api/v4/users/${hard.id}`).set('PRIVATE-TOKEN', ctx.rootToken).query({ hard_delete: true })).status).toBe(204);
    expect(await deletionEvent(ctx, soft.id)).toMatchObject({ hard_delete: false, ghost_user_id: Number(ghost.id) });
    expect(await deletionEvent(ctx, hard.id)).toMatchObject({ hard_delete: true, ghost_user_id: null });
    await ctx.startWorker();
    const messages = await eventually(async () => {
      const rows = await ctx.db.query<{ entity_id: string; message: string }>(
        `SELECT entity_id::text AS entity_id, details->>'custom_message' AS message FROM activity.audit_events
          WHERE event_name = 'user_destroyed' AND entity_id = ANY($1::bigint[]) ORDER BY entity_id`,
        [[soft.id, hard.id]],
      );
      return rows.length === 2 ? rows : undefined;
    }, 15_000, 'the deletions\' audit rows');
    expect(messages).toEqual([
      { entity_id: String(soft.id), message: `User ${soft.username} deleted` },
      { entity_id: String(hard.id), message: `User ${hard.username} deleted with hard delete` },
    ]);
  });

  it('a second soft deletion (hard_delete=false in JSON) reuses the same ghost user', async () => {
    const before = await ghosts(ctx);
    const user = await victim();
    const res = await ctx.http.delete(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ hard_delete: false });
    expect(res.status).toBe(204);
    expect(await ghosts(ctx)).toEqual(before);
  });

  it('concurrent soft deletions still leave exactly one ghost user', async () => {
    const users = await Promise.all([victim(), victim(), victim()]);
    const results = await Promise.all(users.map((u) => ctx.http.delete(`/api/v4/users/${u.id}`).set('PRIVATE-TOKEN', ctx.rootToken)));
    expect(results.map((r) => r.status)).toEqual([204, 204, 204]);
    expect(await ghosts(ctx)).toHaveLength(1);
  });
});

describe('concurrent first soft deletions', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp('users_ghost_race');
  });
  afterAll(async () => ctx?.close());

  it('create exactly one ghost user', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => createUserWithToken(ctx, { username: unique('racer') })));
    const results = await Promise.all(users.map((u) => ctx.http.delete(`/api/v4/users/${u.id}`).set('PRIVATE-TOKEN', ctx.rootToken)));
    expect(results.map((r) => r.status)).toEqual([204, 204, 204, 204]);
    const rows = await ghosts(ctx);
    expect(rows).toHaveLength(1);
    expect(rows[0].username).toBe('ghost');
  });
});

describe('when a real user already holds the name ghost', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp('users_ghost_taken');
  });
  afterAll(async () => ctx?.close());

  it('the ghost user takes the next free name and the real user is untouched', async () => {
    const real = await createUserWithToken(ctx, { username: 'ghost', email: 'real-ghost@example.org' });
    const user = await createUserWithToken(ctx, { username: unique('victim') });
    const res = await ctx.http.delete(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(204);
    const rows = await ghosts(ctx);
    expect(rows).toHaveLength(1);
    expect(rows[0].username).toBe('ghost1');
    // The contributions go to the ghost user, not to the real user who holds the name `ghost`.
    expect(await deletionEvent(ctx, user.id)).toMatchObject({ hard_delete: false, ghost_user_id: Number(rows[0].id) });
    const kept = await ctx.http.get(`/api/v4/users/${real.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ username: 'ghost', email: 'real-ghost@example.org' });
  });
});
