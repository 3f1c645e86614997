import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext, postMultipart } from '../../support/test-app.js';

/**
 * The same parameters arrive as JSON, form-urlencoded, multipart or query string; Grape
 * coerces them all alike (booleans as true/True/1, numbers as strings), ignores unknown
 * keys, and every answer is JSON.
 */

const PASSWORD = 'Vq8!zR2#long-enough';

describe('users API parameter encodings', () => {
  let ctx: TestContext;
  let alice: CreatedUser;

  const names = (prefix = 'enc') => {
    const username = unique(prefix);
    return { username, email: `${username}@example.org`, name: `Enc ${username}` };
  };

  beforeAll(async () => {
    ctx = await startTestApp('users_params_encoding');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
  });
  afterAll(async () => ctx?.close());

  describe('POST /users', () => {
    it('JSON with real booleans and numbers', async () => {
      const attrs = names();
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ ...attrs, password: PASSWORD, skip_confirmation: true, admin: true, projects_limit: 7, theme_id: 2 });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ username: attrs.username, is_admin: true, projects_limit: 7, theme_id: 2 });
      expect(res.body.confirmed_at).not.toBeNull();
    });

    it('JSON with booleans and numbers as strings', async () => {
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ ...names(), password: PASSWORD, skip_confirmation: 'true', admin: 'True', projects_limit: '7', theme_id: '2', can_create_group: '0' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ is_admin: true, projects_limit: 7, theme_id: 2, can_create_group: false });
      expect(res.body.confirmed_at).not.toBeNull();
    });

    it('JSON numbers for string params are taken as strings', async () => {
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ ...names(), password: PASSWORD, skype: 12345, organization: 42 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ skype: '12345', organization: '42' });
    });

    it('JSON booleans as 1 and 0', async () => {
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ ...names(), password: PASSWORD, skip_confirmation: 1, private_profile: 1, can_create_group: 0 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ private_profile: true, can_create_group: false });
      expect(res.body.confirmed_at).not.toBeNull();
    });

    it('form-urlencoded, with booleans as "1" and "True" and numbers as strings', async () => {
      const attrs = names();
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .type('form')
        .send({ ...attrs, password: PASSWORD, skip_confirmation: '1', external: 'True', theme_id: '4', bio: 'form bio' });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ username: attrs.username, email: attrs.email, external: true, theme_id: 4, bio: 'form bio', projects_limit: 0 });
      expect(res.body.confirmed_at).not.toBeNull();
    });

    it('multipart fields', async () => {
      const attrs = names();
      const res = await postMultipart(ctx, '/api/v4/users', {
        username: attrs.username,
        email: attrs.email,
        name: attrs.name,
        password: PASSWORD,
        skip_confirmation: 'True',
        private_profile: 'true',
        projects_limit: '12',
        location: 'Multipart City',
      });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ username: attrs.username, private_profile: true, projects_limit: 12, location: 'Multipart City' });
      expect(res.body.confirmed_at).not.toBeNull();
    });

    it('multipart with an avatar file is accepted (never a 500)', async () => {
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
      const res = await postMultipart(ctx, '/api/v4/users', {
        username: unique('avatar'),
        email: `${unique('avatar')}@example.org`,
        name: 'Avatar Person',
        password: PASSWORD,
      })
        .attach('avatar', png, { filename: 'a.png', contentType: 'image/png' });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/json');
    });

    it('POST /users with a multipart avatar stores it: avatar_url points at the uploaded file, not Gravatar', async () => {
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
      const attrs = names('avatarenc');
      const res = await postMultipart(ctx, '/api/v4/users', {
        username: attrs.username,
        email: attrs.email,
        name: attrs.name,
        password: PASSWORD,
      })
        .attach('avatar', png, { filename: 'a.png', contentType: 'image/png' });
      expect(res.status).toBe(201);
      expect(res.body.avatar_url).toBe(`http://gitlab.test/uploads/-/system/user/avatar/${res.body.id}/a.png`);
      const file = await ctx.http.get(`/uploads/-/system/user/avatar/${res.body.id}/a.png`);
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('image/png');
    });

    it('a multipart bad type: 400 "<param> is invalid"', async () => {
      const attrs = names();
      const res = await postMultipart(ctx, '/api/v4/users', {
        username: attrs.username,
        email: attrs.email,
        name: attrs.name,
        password: PASSWORD,
        projects_limit: 'abc',
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'projects_limit is invalid' });
    });

    it('a form bad boolean: 400 "<param> is invalid"', async () => {
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .type('form')
        .send({ ...names(), password: PASSWORD, admin: 'yesplease' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'admin is invalid' });
    });

    it('a form array for a string param: 400 "<param> is invalid"', async () => {
      const attrs = names();
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .type('form')
        .send(`username=${attrs.username}&email=${encodeURIComponent(attrs.email)}&name[]=a&name[]=b&password=${encodeURIComponent(PASSWORD)}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'name is invalid' });
    });

    it('params in the query string work for POST as well', async () => {
      const attrs = names();
      const res = await ctx.http
        .post('/api/v4/users')
        .query({ ...attrs, password: PASSWORD, skip_confirmation: 'true' })
        .set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(201);
      expect(res.body.username).toBe(attrs.username);
    });

    it('the body wins over the query string', async () => {
      const attrs = names();
      const res = await ctx.http
        .post('/api/v4/users')
        .query({ name: 'From Query' })
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ ...attrs, name: 'From Body', password: PASSWORD });
      expect(res.status).toBe(201);
      expect(res.body.name).toBe('From Body');
    });

    it('unknown params are ignored (JSON, form and multipart)', async () => {
      const json = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ ...names(), password: PASSWORD, favourite_colour: 'blue', state: 'blocked', id: 1, nested: { a: 1 } });
      expect(json.status).toBe(201);
      expect(json.body.state).toBe('active');
      expect(json.body.id).not.toBe(1);
      const form = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).type('form').send({ ...names(), password: PASSWORD, foo: 'bar' });
      expect(form.status).toBe(201);
      const attrs = names();
      const multi = await postMultipart(ctx, '/api/v4/users', {
        username: attrs.username,
        email: attrs.email,
        name: attrs.name,
        password: PASSWORD,
        foo: 'bar',
      });
      expect(multi.status).toBe(201);
    });

    it('a malformed JSON body: 400 JSON error, never a 500', async () => {
      const res = await ctx.http
        .post('/api/v4/users')
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .set('Content-Type', 'application/json')
        .send('{"username": "broken",');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(typeof res.body.error).toBe('string');
    });

    it('a JSON array body: 400 (the required params are missing)', async () => {
      const res = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).send([1, 2, 3]);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
    });
  });

  describe('PUT /users/:id', () => {
    it('form-urlencoded booleans "True"/"0" and numbers as strings', async () => {
      const user = await createUserWithToken(ctx, { username: unique('putform') });
      const res = await ctx.http
        .put(`/api/v4/users/${user.id}`)
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .type('form')
        .send({ private_profile: 'True', can_create_group: '0', projects_limit: '3', color_scheme_id: '2' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ private_profile: true, can_create_group: false, projects_limit: 3, color_scheme_id: 2 });
    });

    it('multipart fields', async () => {
      const user = await createUserWithToken(ctx, { username: unique('putmulti') });
      const res = await ctx.http
        .put(`/api/v4/users/${user.id}`)
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .field('bio', 'multipart bio')
        .field('admin', '1')
        .field('theme_id', '6');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ bio: 'multipart bio', is_admin: true, theme_id: 6 });
    });

    it('booleans as "false", "False" and "0" are false', async () => {
      const user = await createUserWithToken(ctx, { username: unique('putfalse'), private_profile: true, admin: true, external: true });
      const res = await ctx.http
        .put(`/api/v4/users/${user.id}`)
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .type('form')
        .send({ private_profile: 'false', admin: 'False', external: '0' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ private_profile: false, is_admin: false, external: false });
    });

    it('skip_reconfirmation as the string "true" in a form', async () => {
      const user = await createUserWithToken(ctx, { username: unique('putmail') });
      const email = `${unique('formmail')}@example.org`;
      const res = await ctx.http.put(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).type('form').send({ email, skip_reconfirmation: 'true' });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe(email);
    });
  });

  describe('DELETE /users/:id', () => {
    it('a JSON body on DELETE is read (bad hard_delete is reported)', async () => {
      const user = await createUserWithToken(ctx, { username: unique('deljson') });
      const res = await ctx.http.delete(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ hard_delete: 'nope' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'hard_delete is invalid' });
    });

    it('a multipart body on DELETE', async () => {
      const user = await createUserWithToken(ctx, { username: unique('delmulti') });
      const res = await ctx.http.delete(`/api/v4/users/${user.id}`).set('PRIVATE-TOKEN', ctx.rootToken).field('hard_delete', 'True');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
    });
  });

  describe('Content-Type of every answer', () => {
    it.each([
      ['GET /users (200)', () => ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', alice.token), 200],
      ['GET /users anonymous (403)', () => ctx.http.get('/api/v4/users'), 403],
      ['GET /users bad order_by (400)', () => ctx.http.get('/api/v4/users?order_by=foo').set('PRIVATE-TOKEN', alice.token), 400],
      ['GET /users too deep (405)', () => ctx.http.get('/api/v4/users?page=1000&per_page=100').set('PRIVATE-TOKEN', alice.token), 405],
      ['GET /users/:id (200)', () => ctx.http.get(`/api/v4/users/${alice.id}`).set('PRIVATE-TOKEN', alice.token), 200],
      ['GET /users/:id missing (404)', () => ctx.http.get('/api/v4/users/987654').set('PRIVATE-TOKEN', alice.token), 404],
      ['GET /users/abc (404)', () => ctx.http.get('/api/v4/users/abc'), 404],
      ['GET /user anonymous (401)', () => ctx.http.get('/api/v4/user'), 401],
      ['GET /user (200)', () => ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', alice.token), 200],
      ['POST /users regular (403)', () => ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', alice.token).send({ ...names(), password: PASSWORD }), 403],
      ['POST /users taken (409)', () => ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).send({ ...names(), email: alice.email, password: PASSWORD }), 409],
      ['PUT /users/:id model error (400)', () => ctx.http.put(`/api/v4/users/${alice.id}`).set('PRIVATE-TOKEN', ctx.rootToken).send({ theme_id: 50 }), 400],
      ['DELETE /users/:id anonymous (401)', () => ctx.http.delete(`/api/v4/users/${alice.id}`), 401],
      ['DELETE /users/:id old precondition (412)', () => ctx.http.delete(`/api/v4/users/${alice.id}`).set('PRIVATE-TOKEN', ctx.rootToken).set('If-Unmodified-Since', 'Thu, 01 Jan 2015 00:00:00 GMT'), 412],
    ])('%s is application/json', async (_label, request, status) => {
      const res = await request();
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toBe('application/json');
      expect(() => JSON.parse(res.text)).not.toThrow();
    });
  });
});
