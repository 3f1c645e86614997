import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

const ENTITY_KEYS = ['id', 'name', 'revoked', 'created_at', 'description', 'scopes', 'user_id', 'last_used_at', 'active', 'expires_at', 'token'];
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
/** A UTC calendar day relative to now, `YYYY-MM-DD`. */
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('POST /users/:user_id/personal_access_tokens (spec "Create a personal access token", credentials 8.1-8.5)', () => {
  let ctx: TestContext;
  let owner: CreatedUser;
  let regular: CreatedUser;
  const path = (userId: number | string) => `/api/v4/users/${userId}/personal_access_tokens`;

  beforeAll(async () => {
    ctx = await startTestApp('tokens-create');
    owner = await createUserWithToken(ctx, {}, ['read_user']);
    regular = await createUserWithToken(ctx, {}, ['api']);
  });
  afterAll(async () => ctx?.close());

  describe('success', () => {
    it('201 with exactly the PersonalAccessTokenWithToken keys, a glpat- token, and the values sent', async () => {
      const expiresAt = utcDay(30);
      const res = await ctx.http
        .post(path(owner.id))
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ name: 'mytoken', description: 'for CI', expires_at: expiresAt, scopes: ['api', 'read_user'] });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual([...ENTITY_KEYS].sort());
      expect(res.body).toEqual({
        id: expect.any(Number),
        name: 'mytoken',
        revoked: false,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        description: 'for CI',
        scopes: ['api', 'read_user'],
        user_id: owner.id,
        last_used_at: null,
        active: true,
        expires_at: expiresAt,
        token: expect.stringMatching(/^glpat-[A-Za-z0-9_-]{20,}$/),
      });
      expect(res.headers['content-type']).toBe('application/json');
    });

    it('the new token authenticates as its owner (not as the admin who made it)', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'works', scopes: ['api'] });
      expect(res.status).toBe(201);
      const me = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', res.body.token);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: owner.id, username: owner.username });
      expect(me.body).not.toHaveProperty('is_admin');
    });

    it('the token is stored as its SHA-256 digest, with the scopes and owner', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'stored', scopes: ['read_api'] });
      expect(res.status).toBe(201);
      const rows = await ctx.db.query<{ id: string; user_id: string; name: string; scopes: string[]; token_digest: string; revoked: boolean }>(
        'SELECT id, user_id, name, scopes, token_digest, revoked FROM credentials.personal_access_tokens WHERE id = $1',
        [res.body.id],
      );
      expect(rows).toEqual([{ id: String(res.body.id), user_id: String(owner.id), name: 'stored', scopes: ['read_api'], token_digest: sha256(res.body.token), revoked: false }]);
    });

    it('every token is different', async () => {
      const a = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'a', scopes: ['api'] });
      const b = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'a', scopes: ['api'] });
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(a.body.token).not.toBe(b.body.token);
      expect(a.body.id).not.toBe(b.body.id);
    });

    it('scopes as a form array (scopes[]=api)', async () => {
      const res = await ctx.http
        .post(path(owner.id))
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .type('form')
        .send('name=formtoken&scopes[]=api&scopes[]=read_user');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'formtoken', scopes: ['api', 'read_user'], user_id: owner.id });
    });

    it('a single scopes[]=read_user form value gives a one-element array', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).type('form').send('name=single&scopes[]=read_user');
      expect(res.status).toBe(201);
      expect(res.body.scopes).toEqual(['read_user']);
    });

    it('scopes as a comma-separated string', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'csv', scopes: 'api,read_user' });
      expect(res.status).toBe(201);
      expect(res.body.scopes).toEqual(['api', 'read_user']);
    });

    it('parameters in the query string work too (Grape merges them)', async () => {
      const res = await ctx.http.post(path(owner.id)).query({ name: 'inquery', 'scopes[]': 'read_api' }).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'inquery', scopes: ['read_api'] });
    });

    it('the scopes are enforced: a read_user token made here can read but not write', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'ro', scopes: ['read_user'] });
      expect(res.status).toBe(201);
      const read = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', res.body.token);
      expect(read.status).toBe(200);
      const write = await ctx.http.put(`/api/v4/users/${owner.id}`).set('PRIVATE-TOKEN', res.body.token).send({ name: 'x' });
      expect(write.status).toBe(403);
      expect(write.body.error).toBe('insufficient_scope');
    });

    it('without expires_at the token expires in 365 days (the maximum lifetime)', async () => {
      const before = utcDay(365);
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'default-expiry', scopes: ['api'] });
      const after = utcDay(365);
      expect(res.status).toBe(201);
      expect([before, after]).toContain(res.body.expires_at);
      expect(res.body.active).toBe(true);
    });

    it('without a description, description is null', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'nodesc', scopes: ['api'] });
      expect(res.status).toBe(201);
      expect(res.body.description).toBeNull();
    });

    it('expires_at exactly 365 days ahead is accepted', async () => {
      const limit = utcDay(365);
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'max', scopes: ['api'], expires_at: limit });
      expect(res.status).toBe(201);
      expect(res.body.expires_at).toBe(limit);
    });

    it('an admin may create a token for themselves', async () => {
      const res = await ctx.http.post(path(1)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'root-extra', scopes: ['read_user'] });
      expect(res.status).toBe(201);
      expect(res.body.user_id).toBe(1);
    });

    it('a past expires_at is accepted: 201 with active false, and the token does not work (credentials 8.2/8.3)', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'old', scopes: ['api'], expires_at: '2020-01-01' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'old', expires_at: '2020-01-01', active: false, revoked: false });
      const me = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', res.body.token);
      expect(me.status).toBe(401);
      expect(me.body).toEqual({ error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' });
    });
  });

  describe('parameter validation (400, Grape)', () => {
    it('missing name and scopes: 400 "name is missing, scopes is missing"', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({});
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'name is missing, scopes is missing' });
    });

    it('missing scopes only: 400 "scopes is missing"', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'x' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'scopes is missing' });
    });

    it('missing name only: 400 "name is missing"', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ scopes: ['api'] });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'name is missing' });
    });

    it('an unknown scope: 400 "scopes does not have a valid value" (array, string and form)', async () => {
      const asArray = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'x', scopes: ['api', 'everything'] });
      expect(asArray.status).toBe(400);
      expect(asArray.body).toEqual({ error: 'scopes does not have a valid value' });
      const asString = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'x', scopes: 'api,bogus' });
      expect(asString.status).toBe(400);
      expect(asString.body).toEqual({ error: 'scopes does not have a valid value' });
      const asForm = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).type('form').send('name=x&scopes[]=bogus');
      expect(asForm.status).toBe(400);
      expect(asForm.body).toEqual({ error: 'scopes does not have a valid value' });
    });

    it('an unparsable expires_at: 400 "expires_at is invalid"', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'x', scopes: ['api'], expires_at: 'notadate' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'expires_at is invalid' });
    });

    it('parameter errors come before the user lookup: 400 for a missing user with no body', async () => {
      const res = await ctx.http.post(path(999_999)).set('PRIVATE-TOKEN', ctx.rootToken).send({});
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'name is missing, scopes is missing' });
    });

    it('nothing is stored when validation fails', async () => {
      const [{ n: before }] = await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM credentials.personal_access_tokens');
      await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'x', scopes: ['bogus'] });
      await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'x', scopes: ['api'], expires_at: utcDay(400) });
      const [{ n: after }] = await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM credentials.personal_access_tokens');
      expect(after).toBe(before);
    });
  });

  describe('model validation (422, full-message sentence)', () => {
    it('expires_at more than 365 days ahead: 422 "Expires at must be before <today+365>"', async () => {
      const before = utcDay(365);
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'toolong', scopes: ['api'], expires_at: utcDay(400) });
      const after = utcDay(365);
      expect(res.status).toBe(422);
      expect(Object.keys(res.body)).toEqual(['message']);
      expect([`Expires at must be before ${before}`, `Expires at must be before ${after}`]).toContain(res.body.message);
    });

    it('a blank name: 422 "Name can\'t be blank"', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: '', scopes: ['api'] });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ message: "Name can't be blank" });
    });

    it('an empty scopes array: 422 "Scopes can\'t be blank"', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'noscopes', scopes: [] });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ message: "Scopes can't be blank" });
    });
  });

  describe('who may call it', () => {
    it('anonymous: 401 "401 Unauthorized", before parameter validation', async () => {
      const good = await ctx.http.post(path(owner.id)).send({ name: 'x', scopes: ['api'] });
      expect(good.status).toBe(401);
      expect(good.body).toEqual({ message: '401 Unauthorized' });
      const bad = await ctx.http.post(path(owner.id)).send({});
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ message: '401 Unauthorized' });
    });

    it('a non-admin: 403 "403 Forbidden", for someone else and for themselves', async () => {
      for (const target of [owner.id, regular.id]) {
        const res = await ctx.http.post(path(target)).set('PRIVATE-TOKEN', regular.token).send({ name: 'x', scopes: ['api'] });
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ message: '403 Forbidden' });
      }
    });

    it('a non-admin is refused before the user lookup: 403 for a missing user', async () => {
      const res = await ctx.http.post(path(999_999)).set('PRIVATE-TOKEN', regular.token).send({ name: 'x', scopes: ['api'] });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it('a non-admin with bad parameters: 400 (validation runs before the admin check)', async () => {
      const res = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', regular.token).send({});
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'name is missing, scopes is missing' });
      const badScope = await ctx.http.post(path(owner.id)).set('PRIVATE-TOKEN', regular.token).send({ name: 'x', scopes: ['nope'] });
      expect(badScope.status).toBe(400);
      expect(badScope.body).toEqual({ error: 'scopes does not have a valid value' });
    });

    it('an admin for a missing user: 404 "404 User Not Found"', async () => {
      const res = await ctx.http.post(path(999_999)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'x', scopes: ['api'] });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 User Not Found' });
    });

    it('a non-numeric user_id fails routing: 404 {"error":"404 Not Found"}', async () => {
      for (const id of ['abc', owner.username, '12abc']) {
        const res = await ctx.http.post(path(id)).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'x', scopes: ['api'] });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: '404 Not Found' });
      }
    });
  });
});
