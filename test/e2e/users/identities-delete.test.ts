import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** DELETE /api/v4/users/:id/identities/:provider: tiers, check order, 404s, 412, 204 (reference §1.2, §8). */
describe('DELETE /api/v4/users/:id/identities/:provider', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let linked: CreatedUser;

  const del = (id: number | string, provider: string, token?: string) => {
    const req = ctx.http.delete(`/api/v4/users/${id}/identities/${provider}`);
    return token ? req.set('PRIVATE-TOKEN', token) : req;
  };
  const asAdmin = (id: number | string, provider: string) => del(id, provider, ctx.rootToken);
  const identitiesOf = async (id: number): Promise<{ provider: string; extern_uid: string }[]> => {
    const res = await ctx.http.get(`/api/v4/users/${id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    return (res.body.identities as { provider: string; extern_uid: string }[]).map(({ provider, extern_uid }) => ({ provider, extern_uid }));
  };
  const identityRows = (id: number) =>
    ctx.db.query<{ provider: string; extern_uid: string }>('SELECT provider, extern_uid FROM identity.user_identities WHERE user_id = $1 ORDER BY provider', [id]);
  /** A user with a github identity (and, with `ldap`, an ldapmain one too). */
  async function userWithIdentity(ldap = false): Promise<CreatedUser> {
    const username = unique('linked');
    const user = await createUserWithToken(ctx, { username, provider: 'github', extern_uid: `gh-${username}` });
    if (ldap) {
      const res = await ctx.http.put(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ provider: 'ldapmain', extern_uid: `uid=${username}` });
      expect(res.status).toBe(200);
    }
    return user;
  }

  beforeAll(async () => {
    ctx = await startTestApp('identities_delete');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    linked = await userWithIdentity();
  });
  afterAll(async () => ctx?.close());

  describe('caller tiers and check order', () => {
    it('anonymous: 401, and the identity stays', async () => {
      const res = await del(linked.id, 'github');
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ message: '401 Unauthorized' });
      expect(await identityRows(linked.id)).toHaveLength(1);
    });

    it('anonymous on a missing user or provider: still 401 (no existence leak)', async () => {
      expect((await del(987654, 'github')).status).toBe(401);
      expect((await del(linked.id, 'nope')).status).toBe(401);
    });

    it('a non-numeric id: route 404, whoever asks', async () => {
      for (const token of [undefined, alice.token, ctx.rootToken]) {
        const res = await del('abc', 'github', token);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: '404 Not Found' });
      }
    });

    it('a regular user on another user: 403, and the identity stays', async () => {
      const res = await del(linked.id, 'github', alice.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
      expect(await identityRows(linked.id)).toHaveLength(1);
    });

    it('a regular user on themself: 403, and the identity stays', async () => {
      const res = await del(linked.id, 'github', linked.token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
      expect(await identityRows(linked.id)).toHaveLength(1);
    });

    it('a regular user on a missing user: 403, not 404', async () => {
      const res = await del(987654, 'github', alice.token);
      expect(res.status).toBe(403);
    });

    it('a token without the api scope: 403 insufficient_scope', async () => {
      const reader = await createUserWithToken(ctx, { username: unique('reader'), admin: true }, ['read_user']);
      const res = await del(linked.id, 'github', reader.token);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: 'insufficient_scope' });
      expect(await identityRows(linked.id)).toHaveLength(1);
    });
  });

  describe('as an admin', () => {
    it('a missing user: 404 User Not Found', async () => {
      const res = await asAdmin(987654, 'github');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it('a provider that is not linked: 404 Identity Not Found', async () => {
      for (const provider of ['gitlab', 'GitHub', 'unknown-provider']) {
        const res = await asAdmin(linked.id, provider);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: '404 Identity Not Found' });
      }
    });

    it('a user with no identity at all: 404 Identity Not Found', async () => {
      const res = await asAdmin(alice.id, 'github');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 Identity Not Found' });
    });

    it('a very long or oddly encoded provider: 404 Identity Not Found, never a 500', async () => {
      for (const provider of ['x'.repeat(5000), '%E2%9C%93', 'a%20b', "o'hara"]) {
        const res = await asAdmin(linked.id, provider);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: '404 Identity Not Found' });
      }
    });

    it('If-Unmodified-Since older than the user\'s updated_at: 412, and the identity stays', async () => {
      const res = await asAdmin(linked.id, 'github').set('If-Unmodified-Since', 'Thu, 01 Jan 2015 00:00:00 GMT');
      expect(res.status).toBe(412);
      expect(res.body).toEqual({ message: '412 Precondition Failed' });
      expect(await identityRows(linked.id)).toHaveLength(1);
    });

    it('404s come before 412 (GitLab looks the user and identity up first)', async () => {
      const old = 'Thu, 01 Jan 2015 00:00:00 GMT';
      expect((await asAdmin(987654, 'github').set('If-Unmodified-Since', old)).body).toEqual({ message: '404 User Not Found' });
      expect((await asAdmin(linked.id, 'gitlab').set('If-Unmodified-Since', old)).body).toEqual({ message: '404 Identity Not Found' });
    });

    it('If-Unmodified-Since in the future, or not a date: the precondition holds', async () => {
      const user = await userWithIdentity();
      const future = await asAdmin(user.id, 'github').set('If-Unmodified-Since', 'Fri, 01 Jan 2100 00:00:00 GMT');
      expect(future.status).toBe(204);
      const other = await userWithIdentity();
      const garbage = await asAdmin(other.id, 'github').set('If-Unmodified-Since', 'not a date');
      expect(garbage.status).toBe(204);
    });

    it('success: 204 with no body; only that identity goes, from the table and from GET /users/:id; an event and an audit row', async () => {
      const user = await userWithIdentity(true);
      expect(await identitiesOf(user.id)).toEqual(
        expect.arrayContaining([
          { provider: 'github', extern_uid: `gh-${user.username}` },
          { provider: 'ldapmain', extern_uid: `uid=${user.username}` },
        ]),
      );
      const before = await ctx.http.get(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken);

      const res = await asAdmin(user.id, 'github');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      expect(await identityRows(user.id)).toEqual([{ provider: 'ldapmain', extern_uid: `uid=${user.username}` }]);
      expect(await identitiesOf(user.id)).toEqual([{ provider: 'ldapmain', extern_uid: `uid=${user.username}` }]);
      // The rest of the user is untouched.
      const after = await ctx.http.get(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect({ ...after.body, identities: null }).toEqual({ ...before.body, identities: null });

      const events = await ctx.db.query<{ event_type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }>(
        'SELECT event_type, data, metadata FROM es_events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1',
        [`identity.user-${user.id}`],
      );
      expect(events[0]).toMatchObject({
        event_type: 'identity.user_identity_removed',
        data: { id: user.id, username: user.username, provider: 'github', extern_uid: `gh-${user.username}` },
        metadata: { actor_id: 1 },
      });

      await ctx.startWorker();
      const audit = await eventually(async () => {
        const rows = await ctx.db.query<{ event_name: string; author_id: string; details: Record<string, unknown> }>(
          "SELECT event_name, author_id, details FROM activity.audit_events WHERE entity_id = $1 AND event_name = 'user_identity_removed'",
          [user.id],
        );
        return rows.length > 0 ? rows : undefined;
      }, 15_000, 'the user_identity_removed audit row');
      expect(audit).toHaveLength(1);
      expect(Number(audit[0].author_id)).toBe(1);
      expect(audit[0].details).toMatchObject({ remove: 'identity', provider: 'github', target_id: user.id, target_details: user.username });
    });

    it('removing it again: 404 Identity Not Found', async () => {
      const user = await userWithIdentity();
      expect((await asAdmin(user.id, 'github')).status).toBe(204);
      const again = await asAdmin(user.id, 'github');
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ message: '404 Identity Not Found' });
    });

    it('the freed identity can be linked to another user afterwards', async () => {
      const user = await userWithIdentity();
      expect((await asAdmin(user.id, 'github')).status).toBe(204);
      const res = await ctx.http.put(`/api/v4/users/${alice.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ provider: 'github', extern_uid: `gh-${user.username}` });
      expect(res.status).toBe(200);
      expect(await identityRows(alice.id)).toEqual([{ provider: 'github', extern_uid: `gh-${user.username}` }]);
    });

    it('concurrent removals of one identity: one 204, the others 404 or 409, never a 500', async () => {
      const user = await userWithIdentity();
      const results = await Promise.all(Array.from({ length: 4 }, () => asAdmin(user.id, 'github')));
      const statuses = results.map((res) => res.status);
      expect(statuses.filter((status) => status === 204)).toHaveLength(1);
      for (const status of statuses) expect([204, 404, 409]).toContain(status);
      expect(await identityRows(user.id)).toEqual([]);
    });

    it('a deleted user: 404 User Not Found', async () => {
      const user = await userWithIdentity();
      expect((await ctx.http.delete(`/api/v4/users/${user.id}?hard_delete=true`).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(204);
      const res = await asAdmin(user.id, 'github');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });
  });
});
