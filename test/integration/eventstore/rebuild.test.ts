import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRebuilder, ProjectionRegistry } from '../../../libs/eventstore/src/index.js';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

type Row = Record<string, unknown>;

/**
 * A rebuild from the log must give exactly the rows the live (inline) projection wrote,
 * for a history with creates, several kinds of update, soft and hard deletes, a reused
 * username and several tokens.
 */
describe('projection rebuild gives the same rows as the live projection', () => {
  let ctx: TestContext;
  let rebuilder: ProjectionRebuilder;
  const users: CreatedUser[] = [];

  beforeAll(async () => {
    ctx = await startTestApp('es_rebuild');
    rebuilder = ctx.api.get(ProjectionRebuilder);
    const root = (request: ReturnType<TestContext['http']['put']>) => request.set('PRIVATE-TOKEN', ctx.rootToken);
    const expectStatus = (status: number, response: { status: number; body: unknown }) => {
      if (response.status !== status) throw new Error(`expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
    };

    for (let i = 0; i < 6; i += 1) {
      const attributes: Record<string, unknown> =
        i % 2 === 0 ? { extern_uid: `uid-${unique('ext')}`, provider: 'ldapmain', bio: `bio ${i}`, location: 'Lyon' } : { pronouns: 'they/them' };
      users.push(await createUserWithToken(ctx, attributes, i % 3 === 0 ? ['api', 'read_user'] : ['read_api']));
    }
    const [a, b, c, d, e, f] = users;

    expectStatus(200, await root(ctx.http.put(`/api/v4/users/${a.id}`)).send({ name: 'Renamed A', bio: 'new bio', twitter: 'a_tw' }));
    expectStatus(200, await root(ctx.http.put(`/api/v4/users/${a.id}`)).send({ username: unique('renamed'), password: 'An0ther!long-password' }));
    expectStatus(200, await root(ctx.http.put(`/api/v4/users/${a.id}`)).send({ email: `${unique('mail')}@example.org`, skip_reconfirmation: true }));
    expectStatus(200, await root(ctx.http.put(`/api/v4/users/${b.id}`)).send({ email: `${unique('mail')}@example.org` }));
    expectStatus(200, await root(ctx.http.put(`/api/v4/users/${b.id}`)).send({ extern_uid: `uid-${unique('ext')}`, provider: 'github' }));
    expectStatus(200, await root(ctx.http.put(`/api/v4/users/${c.id}`)).send({ extern_uid: `uid-${unique('ext')}`, provider: 'ldapmain' }));
    expectStatus(
      200,
      await root(ctx.http.put(`/api/v4/users/${c.id}`)).send({ admin: true, projects_limit: 7, can_create_group: false, private_profile: true, note: 'watch' }),
    );
    expectStatus(201, await root(ctx.http.post(`/api/v4/users/${b.id}/personal_access_tokens`)).send({ name: 'second', scopes: ['api'], expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) }));
    expectStatus(204, await root(ctx.http.delete(`/api/v4/users/${d.id}`)));
    expectStatus(204, await root(ctx.http.delete(`/api/v4/users/${e.id}`)).send({ hard_delete: true }));
    expectStatus(200, await root(ctx.http.put(`/api/v4/users/${f.id}`)).send({ external: true, theme_id: 2, color_scheme_id: 4, website_url: 'https://f.example' }));
    // A deleted user's username and email are free again: the replay must free them at the same point.
    users.push(await createUserWithToken(ctx, { username: d.username, email: d.email }));
  });
  afterAll(async () => ctx?.close());

  async function identitySnapshot(): Promise<{ users: Row[]; identities: Row[] }> {
    return {
      users: await ctx.db.query('SELECT * FROM identity.users ORDER BY id'),
      identities: await ctx.db.query('SELECT * FROM identity.user_identities ORDER BY user_id, provider'),
    };
  }

  async function tokenSnapshot(): Promise<Row[]> {
    return ctx.db.query('SELECT * FROM credentials.personal_access_tokens ORDER BY id');
  }

  it('knows both projections by name', () => {
    expect(ctx.api.get(ProjectionRegistry).names()).toEqual(expect.arrayContaining(['identity.users', 'credentials.personal_access_tokens']));
  });

  it('the history left the live read models in the expected shape', async () => {
    const { users: rows, identities } = await identitySnapshot();
    const ids = rows.map((row) => Number(row.id));
    // root, a, b, c, f, the ghost user (made by the soft delete), and the reuser of d's name.
    expect(ids).toEqual(expect.arrayContaining([1, users[0].id, users[1].id, users[2].id, users[5].id, users[6].id]));
    expect(ids).not.toContain(users[3].id);
    expect(ids).not.toContain(users[4].id);
    expect(rows.filter((row) => row.user_type === 'ghost')).toHaveLength(1);
    expect(identities.length).toBeGreaterThanOrEqual(3);
    const tokens = await tokenSnapshot();
    expect(tokens.filter((token) => token.revoked === true).map((token) => Number(token.user_id)).sort()).toEqual([users[3].id, users[4].id].sort());
  });

  it("rebuilds 'identity.users' (users and user_identities) row for row", async () => {
    const before = await identitySnapshot();
    const { events } = await rebuilder.rebuild('identity.users');
    expect(events).toBeGreaterThanOrEqual(before.users.length);
    const after = await identitySnapshot();
    expect(after.users).toHaveLength(before.users.length);
    expect(after.identities).toHaveLength(before.identities.length);
    after.users.forEach((row, index) => expect(row).toEqual(before.users[index]));
    after.identities.forEach((row, index) => expect(row).toEqual(before.identities[index]));
  });

  it("rebuilds 'credentials.personal_access_tokens' row for row", async () => {
    const before = await tokenSnapshot();
    expect(before.length).toBeGreaterThanOrEqual(users.length + 2);
    const { events } = await rebuilder.rebuild('credentials.personal_access_tokens');
    expect(events).toBeGreaterThanOrEqual(before.length);
    const after = await tokenSnapshot();
    expect(after).toHaveLength(before.length);
    after.forEach((row, index) => expect(row).toEqual(before[index]));
  });

  it('repairs tampered read-model rows from the log', async () => {
    const identities = await identitySnapshot();
    const tokens = await tokenSnapshot();
    await ctx.db.query("UPDATE identity.users SET name = 'tampered', bio = 'x' WHERE id = $1", [users[0].id]);
    await ctx.db.query('DELETE FROM identity.user_identities WHERE user_id = $1', [users[2].id]);
    await ctx.db.query('DELETE FROM identity.users WHERE id = $1', [users[5].id]);
    await ctx.db.query('UPDATE credentials.personal_access_tokens SET revoked = NOT revoked, scopes = $2 WHERE user_id = $1', [users[1].id, ['sudo']]);
    expect(await identitySnapshot()).not.toEqual(identities);

    await rebuilder.rebuild('identity.users');
    await rebuilder.rebuild('credentials.personal_access_tokens');

    expect(await identitySnapshot()).toEqual(identities);
    expect(await tokenSnapshot()).toEqual(tokens);
    const fetched = await ctx.http.get(`/api/v4/users/${users[5].id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(fetched.status).toBe(200);
    expect(fetched.body.external).toBe(true);
  });

  it('refuses an unknown projection name', async () => {
    await expect(rebuilder.rebuild('no.such_projection')).rejects.toThrow(/Unknown projection "no\.such_projection"/);
  });
});
