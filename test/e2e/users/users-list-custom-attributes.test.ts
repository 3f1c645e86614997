import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/** GET /users with `custom_attributes[key]=value` and `with_custom_attributes` (admin only, reference section 3). */
describe('GET /users: custom attribute filter and with_custom_attributes', () => {
  let ctx: TestContext;
  let regular: CreatedUser;
  let engSenior: CreatedUser;
  let engJunior: CreatedUser;
  let ops: CreatedUser;
  const tag = unique('ca');

  const setAttribute = async (userId: number, key: string, value: string) => {
    const res = await ctx.http.put(`/api/v4/users/${userId}/custom_attributes/${key}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ value });
    expect(res.status).toBe(200);
  };
  const ids = (body: { id: number }[]) => body.map((user) => user.id).sort((a, b) => a - b);

  beforeAll(async () => {
    ctx = await startTestApp('list-custom-attributes');
    regular = await createUserWithToken(ctx);
    engSenior = await createUserWithToken(ctx);
    engJunior = await createUserWithToken(ctx);
    ops = await createUserWithToken(ctx);
    await setAttribute(engSenior.id, 'team', `${tag}-eng`);
    await setAttribute(engSenior.id, 'level', 'senior');
    await setAttribute(engJunior.id, 'team', `${tag}-eng`);
    await setAttribute(engJunior.id, 'level', 'junior');
    await setAttribute(ops.id, 'team', `${tag}-ops`);
  });
  afterAll(async () => ctx?.close());

  it('an admin filters by one attribute, and by several (all must match)', async () => {
    const one = await ctx.http.get('/api/v4/users').query({ 'custom_attributes[team]': `${tag}-eng` }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(one.status).toBe(200);
    expect(ids(one.body)).toEqual([engSenior.id, engJunior.id].sort((a, b) => a - b));
    expect(one.headers['x-total']).toBe('2');

    const both = await ctx.http
      .get('/api/v4/users')
      .query({ 'custom_attributes[team]': `${tag}-eng`, 'custom_attributes[level]': 'senior' })
      .set('PRIVATE-TOKEN', ctx.rootToken);
    expect(ids(both.body)).toEqual([engSenior.id]);

    const none = await ctx.http.get('/api/v4/users').query({ 'custom_attributes[team]': 'nobody-has-this' }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(none.body).toEqual([]);
  });

  it('with_custom_attributes=true adds each user\'s attributes between avatar_url and web_url, [] when there are none', async () => {
    const res = await ctx.http
      .get('/api/v4/users')
      .query({ with_custom_attributes: true, per_page: 100 })
      .set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    const senior = res.body.find((user: { id: number }) => user.id === engSenior.id);
    expect(senior.custom_attributes).toEqual([
      { key: 'team', value: `${tag}-eng` },
      { key: 'level', value: 'senior' },
    ]);
    const keys = Object.keys(senior);
    expect(keys.indexOf('custom_attributes')).toBe(keys.indexOf('avatar_url') + 1);
    expect(keys.indexOf('web_url')).toBe(keys.indexOf('custom_attributes') + 1);
    expect(res.body.find((user: { id: number }) => user.id === regular.id).custom_attributes).toEqual([]);
  });

  it('works with keyset pagination too', async () => {
    const res = await ctx.http
      .get('/api/v4/users')
      .query({ pagination: 'keyset', order_by: 'id', sort: 'asc', per_page: 100, with_custom_attributes: 'true', 'custom_attributes[team]': `${tag}-ops` })
      .set('PRIVATE-TOKEN', ctx.rootToken);
    expect(res.status).toBe(200);
    expect(res.body.map((user: { id: number; custom_attributes: unknown }) => [user.id, user.custom_attributes])).toEqual([
      [ops.id, [{ key: 'team', value: `${tag}-ops` }]],
    ]);
  });

  it('a regular user: the filter and with_custom_attributes are silently ignored', async () => {
    const filtered = await ctx.http.get('/api/v4/users').query({ 'custom_attributes[team]': `${tag}-eng`, per_page: 100 }).set('PRIVATE-TOKEN', regular.token);
    expect(filtered.status).toBe(200);
    expect(ids(filtered.body)).toEqual(expect.arrayContaining([regular.id, engSenior.id, engJunior.id, ops.id]));
    const withAttributes = await ctx.http.get('/api/v4/users').query({ with_custom_attributes: true }).set('PRIVATE-TOKEN', regular.token);
    expect(withAttributes.status).toBe(200);
    for (const user of withAttributes.body) expect(user).not.toHaveProperty('custom_attributes');
  });

  it('anonymous callers (with a username) never see custom attributes', async () => {
    const res = await ctx.http.get('/api/v4/users').query({ username: engSenior.username, with_custom_attributes: true, 'custom_attributes[team]': 'x' });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).not.toHaveProperty('custom_attributes');
  });

  it('bad input answers Grape\'s 400', async () => {
    const badBoolean = await ctx.http.get('/api/v4/users').query({ with_custom_attributes: 'maybe' }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(badBoolean.status).toBe(400);
    expect(badBoolean.body).toEqual({ error: 'with_custom_attributes is invalid' });
    const notAHash = await ctx.http.get('/api/v4/users').query({ custom_attributes: 'team' }).set('PRIVATE-TOKEN', ctx.rootToken);
    expect(notAHash.status).toBe(400);
    expect(notAHash.body).toEqual({ error: 'custom_attributes is invalid' });
  });
});
