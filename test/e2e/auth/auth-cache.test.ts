import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthCache } from '../../../libs/shared/src/index.js';
import { createUserWithToken, eventually, setAccountState, startTestApp, type TestContext } from '../../support/test-app.js';

const statusOf = async (ctx: TestContext, token: string) => (await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', token)).status;

describe('token cache: one lookup saved per request, dropped as soon as a token or its owner changes', () => {
  let ctx: TestContext;
  let cache: AuthCache;

  beforeAll(async () => {
    ctx = await startTestApp('auth-cache', { authCacheTtlMs: 60_000 });
    cache = ctx.api.get(AuthCache);
    await eventually(async () => (cache.enabled ? true : undefined), 10_000, 'the auth_changed listener');
  });
  afterAll(async () => ctx?.close());

  it('serves a cached token without reading the token tables again', async () => {
    const user = await createUserWithToken(ctx);
    expect(await statusOf(ctx, user.token)).toBe(200);
    // Change the row behind the cache's back, with the trigger off: the cached entry still answers.
    await ctx.db.query('ALTER TABLE credentials.personal_access_tokens DISABLE TRIGGER personal_access_tokens_auth_changed');
    await ctx.db.query('UPDATE credentials.personal_access_tokens SET revoked = true WHERE user_id = $1', [user.id]);
    await ctx.db.query('ALTER TABLE credentials.personal_access_tokens ENABLE TRIGGER personal_access_tokens_auth_changed');
    expect(await statusOf(ctx, user.token)).toBe(200);
  });

  it('a revoked token stops working once the change commits', async () => {
    const user = await createUserWithToken(ctx);
    expect(await statusOf(ctx, user.token)).toBe(200);
    await ctx.db.query('UPDATE credentials.personal_access_tokens SET revoked = true WHERE user_id = $1', [user.id]);
    const response = await eventually(async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', user.token);
      return res.status === 401 ? res : undefined;
    }, 5_000, 'the revocation to reach the cache');
    expect(response.body).toEqual({ error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' });
  });

  it('a blocked owner is refused once the change commits', async () => {
    const user = await createUserWithToken(ctx);
    expect(await statusOf(ctx, user.token)).toBe(200);
    await setAccountState(ctx, user.id, 'blocked');
    await eventually(async () => ((await statusOf(ctx, user.token)) === 403 ? true : undefined), 5_000, 'the block to reach the cache');
  });

  it("a deleted user's token stops working, and losing an admin flag takes effect", async () => {
    const admin = await createUserWithToken(ctx, { admin: true });
    const other = await createUserWithToken(ctx);
    expect((await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', admin.token)).body[0]).toHaveProperty('is_admin');
    expect((await ctx.http.put(`/api/v4/users/${admin.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ admin: false })).status).toBe(200);
    await eventually(async () => {
      const res = await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', admin.token);
      return res.status === 200 && !('is_admin' in res.body[0]) ? true : undefined;
    }, 5_000, 'the admin flag change to reach the cache');

    expect(await statusOf(ctx, other.token)).toBe(200);
    expect((await ctx.http.delete(`/api/v4/users/${other.id}`).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(204);
    await eventually(async () => ((await statusOf(ctx, other.token)) === 401 ? true : undefined), 5_000, 'the deletion to reach the cache');
  });

  it('bypasses the cache while the listener is down, and resumes when it reconnects', async () => {
    const user = await createUserWithToken(ctx);
    expect(await statusOf(ctx, user.token)).toBe(200);
    await ctx.db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'gitlab-users-auth-cache' AND datname = current_database()");
    await eventually(async () => (!cache.enabled ? true : undefined), 5_000, 'the cache to notice the lost listener');
    // With no listener, even a change that notifies nobody is seen at once.
    await ctx.db.query('ALTER TABLE credentials.personal_access_tokens DISABLE TRIGGER personal_access_tokens_auth_changed');
    await ctx.db.query('UPDATE credentials.personal_access_tokens SET revoked = true WHERE user_id = $1', [user.id]);
    await ctx.db.query('ALTER TABLE credentials.personal_access_tokens ENABLE TRIGGER personal_access_tokens_auth_changed');
    if (!cache.enabled) expect(await statusOf(ctx, user.token)).toBe(401);
    await eventually(async () => (cache.enabled ? true : undefined), 10_000, 'the listener to reconnect');
    expect(await statusOf(ctx, user.token)).toBe(401);
  });
});
