import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { createApiApp } from '../../../apps/api/src/create-api-app.js';
import { ProjectionRebuilder } from '../../../libs/eventstore/src/index.js';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext, postMultipart } from '../../support/test-app.js';

/**
 * Avatars: multipart `avatar` on POST and PUT /users, validated like GitLab (`Avatarable`: SAFE_IMAGE_EXT,
 * 200 KiB), kept in PostgreSQL and served publicly at /uploads/-/system/user/avatar/:id/:filename.
 */
const PASSWORD = 'Vq8!zR2#long-enough';
const FORMAT = 'file format is not supported. Please try one of the following supported formats: png, jpg, jpeg, gif, bmp, tiff, ico, webp';
const TOO_BIG = 'is too big (should be at most 200 KiB)';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0c1f5a50000000049454e44ae426082', 'hex');
const GIF = Buffer.from('47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b', 'hex');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const binary = (res: supertest.Response, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('user avatars', () => {
  let ctx: TestContext;
  let alice: CreatedUser;

  const names = () => {
    const username = unique('av');
    return { username, email: `${username}@example.org`, name: `Avatar ${username}` };
  };
  const createWithAvatar = (file: Buffer, filename: string, token = ctx.rootToken, extra: Record<string, string> = {}) => {
    const attrs = names();
    let req = ctx.http
      .post('/api/v4/users')
      .set('PRIVATE-TOKEN', token)
      .field('username', attrs.username)
      .field('email', attrs.email)
      .field('name', attrs.name)
      .field('password', PASSWORD)
      .field('skip_confirmation', 'true');
    for (const [key, value] of Object.entries(extra)) req = req.field(key, value);
    return req.attach('avatar', file, { filename, contentType: 'application/octet-stream' });
  };
  const putAvatar = (id: number, file: Buffer, filename: string, extra: Record<string, string> = {}) => {
    let req = ctx.http.put(`/api/v4/users/${id}`).set('PRIVATE-TOKEN', ctx.rootToken);
    for (const [key, value] of Object.entries(extra)) req = req.field(key, value);
    return req.attach('avatar', file, { filename, contentType: 'image/png' });
  };
  const fetchFile = (path: string, http = ctx.http) => http.get(path).buffer(true).parse(binary);
  const pathOf = (url: string) => new URL(url).pathname;

  beforeAll(async () => {
    ctx = await startTestApp('users_avatar');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
  });
  afterAll(async () => ctx?.close());

  describe('upload on POST /users', () => {
    it('multipart with other fields: 201, avatar_url is the uploaded file on EXTERNAL_URL', async () => {
      const res = await createWithAvatar(PNG, 'face.png', ctx.rootToken, { bio: 'with avatar', projects_limit: '3' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ bio: 'with avatar', projects_limit: 3 });
      expect(res.body.avatar_url).toBe(`http://gitlab.test/uploads/-/system/user/avatar/${res.body.id}/face.png`);
    });

    it('the file is served to anonymous callers with its type, digest ETag and caching headers', async () => {
      const created = await createWithAvatar(PNG, 'face.png');
      const file = await fetchFile(pathOf(created.body.avatar_url));
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.headers.etag).toBe(`"${sha256(PNG)}"`);
      expect(file.headers['cache-control']).toBe('public, max-age=300, must-revalidate');
      expect(file.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
    });

    it('regular users, admins and even a bad token get the same public file', async () => {
      const created = await createWithAvatar(GIF, 'anim.gif');
      const path = pathOf(created.body.avatar_url);
      for (const token of [alice.token, ctx.rootToken, 'glpat-not-a-real-token']) {
        const file = await ctx.http.get(path).set('PRIVATE-TOKEN', token).buffer(true).parse(binary);
        expect(file.status).toBe(200);
        expect(file.headers['content-type']).toBe('image/gif');
        expect(Buffer.compare(file.body as Buffer, GIF)).toBe(0);
      }
    });

    it('If-None-Match with the digest: 304', async () => {
      const created = await createWithAvatar(PNG, 'face.png');
      const res = await ctx.http.get(pathOf(created.body.avatar_url)).set('If-None-Match', `"${sha256(PNG)}"`);
      expect(res.status).toBe(304);
    });

    it('avatar_url is the same in every entity: show (admin and regular), list and /user', async () => {
      const created = await createWithAvatar(PNG, 'me.png');
      const url = `http://gitlab.test/uploads/-/system/user/avatar/${created.body.id}/me.png`;
      const token = await ctx.http
        .post(`/api/v4/users/${created.body.id}/personal_access_tokens`)
        .set('PRIVATE-TOKEN', ctx.rootToken)
        .send({ name: 't', scopes: ['api'] });
      expect((await ctx.http.get(`/api/v4/users/${created.body.id}`).set('PRIVATE-TOKEN', ctx.rootToken)).body.avatar_url).toBe(url);
      expect((await ctx.http.get(`/api/v4/users/${created.body.id}`).set('PRIVATE-TOKEN', alice.token)).body.avatar_url).toBe(url);
      expect((await ctx.http.get(`/api/v4/users?username=${created.body.username}`)).body[0].avatar_url).toBe(url);
      expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', token.body.token)).body.avatar_url).toBe(url);
    });

    it('without an upload the Gravatar URL stays', async () => {
      const attrs = names();
      const res = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).send({ ...attrs, password: PASSWORD });
      const hash = createHash('sha256').update(attrs.email.toLowerCase()).digest('hex');
      expect(res.body.avatar_url).toBe(`https://www.gravatar.com/avatar/${hash}?s=80&d=identicon`);
    });

    it('the file name is sanitized', async () => {
      const res = await createWithAvatar(PNG, 'my face (1).PNG');
      expect(res.status).toBe(201);
      expect(res.body.avatar_url).toBe(`http://gitlab.test/uploads/-/system/user/avatar/${res.body.id}/my_face__1_.PNG`);
      expect((await fetchFile(pathOf(res.body.avatar_url))).headers['content-type']).toBe('image/png');
    });

    it('a UTF-8 file name (as gitbeaker and python-gitlab send it) is read as UTF-8: one replacement per character', async () => {
      const res = await createWithAvatar(PNG, 'façade ☕.png');
      expect(res.status).toBe(201);
      // Read as latin1, the two bytes of "ç" and three of "☕" would each have become characters of their own.
      expect(res.body.avatar_url).toBe(`http://gitlab.test/uploads/-/system/user/avatar/${res.body.id}/fa_ade__.png`);
      expect((await fetchFile(pathOf(res.body.avatar_url))).status).toBe(200);
    });

    it('the log records the path and digest, never the bytes; the bytes sit in user_avatars', async () => {
      const res = await createWithAvatar(PNG, 'face.png');
      const [event] = await ctx.db.query<{ data: Record<string, unknown> }>(
        "SELECT data FROM es_events WHERE stream_id = $1 AND event_type = 'identity.user_created'",
        [`identity.user-${res.body.id}`],
      );
      expect(event.data.avatar).toEqual({ filename: 'face.png', path: `/uploads/-/system/user/avatar/${res.body.id}/face.png`, sha256: sha256(PNG) });
      expect(JSON.stringify(event.data)).not.toContain(PNG.toString('base64'));
      const [row] = await ctx.db.query<{ sha256: string; content_type: string; bytes: Buffer }>('SELECT sha256, content_type, bytes FROM identity.user_avatars WHERE user_id = $1', [res.body.id]);
      expect(row).toMatchObject({ sha256: sha256(PNG), content_type: 'image/png' });
      expect(Buffer.compare(row.bytes, PNG)).toBe(0);
    });
  });

  describe('validation', () => {
    it.each(['face.svg', 'face.txt', 'face'])('a file named %s: 400 with the supported formats', async (filename) => {
      const res = await createWithAvatar(PNG, filename);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { avatar: [FORMAT] } });
    });

    it('more than 200 KiB: 400 too big; exactly 200 KiB is fine', async () => {
      const big = await createWithAvatar(Buffer.alloc(200 * 1024 + 1, 1), 'big.png');
      expect(big.status).toBe(400);
      expect(big.body).toEqual({ message: { avatar: [TOO_BIG] } });
      expect((await createWithAvatar(Buffer.alloc(200 * 1024, 1), 'max.png')).status).toBe(201);
    });

    it('avatar errors come with the other model errors', async () => {
      const res = await createWithAvatar(Buffer.alloc(300 * 1024, 1), 'big.bin', ctx.rootToken, { bio: 'b'.repeat(256) });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { avatar: [FORMAT, TOO_BIG], bio: ['is too long (maximum is 255 characters)'] } });
    });

    it('a refused upload stores nothing and creates no user', async () => {
      const attrs = names();
      const res = await postMultipart(ctx, '/api/v4/users', {
        username: attrs.username,
        email: attrs.email,
        name: attrs.name,
        password: PASSWORD,
      })
        .attach('avatar', PNG, { filename: 'x.svg' });
      expect(res.status).toBe(400);
      expect(await ctx.db.query('SELECT 1 FROM identity.users WHERE username = $1', [attrs.username])).toHaveLength(0);
    });

    it('JSON with avatar as a string: 400 "avatar is invalid"', async () => {
      const res = await ctx.http.post('/api/v4/users').set('PRIVATE-TOKEN', ctx.rootToken).send({ ...names(), password: PASSWORD, avatar: 'face.png' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'avatar is invalid' });
    });

    it('a form field avatar (no file): 400 "avatar is invalid" on PUT', async () => {
      const res = await ctx.http.put(`/api/v4/users/${alice.id}`).set('PRIVATE-TOKEN', ctx.rootToken).type('form').send({ avatar: 'face.png' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'avatar is invalid' });
    });

    it('a regular user uploading: 403', async () => {
      const res = await createWithAvatar(PNG, 'face.png', alice.token);
      expect(res.status).toBe(403);
    });

    it('anonymous uploading: 401', async () => {
      const res = await ctx.http.put(`/api/v4/users/${alice.id}`).attach('avatar', PNG, { filename: 'a.png' });
      expect(res.status).toBe(401);
    });
  });

  describe('upload on PUT /users/:id', () => {
    it('replaces the avatar; the old file name is gone (404 JSON)', async () => {
      const created = await createWithAvatar(PNG, 'old.png');
      const res = await putAvatar(created.body.id, GIF, 'new.gif', { location: 'Lyon' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ location: 'Lyon', avatar_url: `http://gitlab.test/uploads/-/system/user/avatar/${created.body.id}/new.gif` });
      const file = await fetchFile(pathOf(res.body.avatar_url));
      expect(file.headers['content-type']).toBe('image/gif');
      expect(Buffer.compare(file.body as Buffer, GIF)).toBe(0);
      const old = await ctx.http.get(pathOf(created.body.avatar_url));
      expect(old.status).toBe(404);
      expect(old.headers['content-type']).toBe('application/json');
      expect(old.body).toEqual({ message: '404 Not Found' });
    });

    it('an upload alone is a change', async () => {
      const user = await createUserWithToken(ctx, { username: unique('plain') });
      const res = await putAvatar(user.id, PNG, 'only.png');
      expect(res.status).toBe(200);
      expect(res.body.avatar_url).toBe(`http://gitlab.test/uploads/-/system/user/avatar/${user.id}/only.png`);
    });

    it('a bad file on PUT: 400 and the current avatar stays', async () => {
      const created = await createWithAvatar(PNG, 'keep.png');
      const res = await putAvatar(created.body.id, PNG, 'evil.html');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { avatar: [FORMAT] } });
      expect((await fetchFile(pathOf(created.body.avatar_url))).status).toBe(200);
    });
  });

  describe('the file route', () => {
    it('a user without an avatar, an unknown user, a wrong name: 404 JSON', async () => {
      for (const path of [`/uploads/-/system/user/avatar/${alice.id}/a.png`, '/uploads/-/system/user/avatar/987654/a.png']) {
        const res = await ctx.http.get(path);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: '404 Not Found' });
      }
      const created = await createWithAvatar(PNG, 'right.png');
      expect((await ctx.http.get(`/uploads/-/system/user/avatar/${created.body.id}/wrong.png`)).status).toBe(404);
    });

    it('a non-numeric id: route 404', async () => {
      const res = await ctx.http.get('/uploads/-/system/user/avatar/abc/a.png');
      expect(res.status).toBe(404);
    });

    it('a deleted user\'s avatar is no longer served, and its bytes are gone', async () => {
      const created = await createWithAvatar(PNG, 'gone.png');
      expect((await ctx.http.delete(`/api/v4/users/${created.body.id}?hard_delete=true`).set('PRIVATE-TOKEN', ctx.rootToken)).status).toBe(204);
      expect((await ctx.http.get(pathOf(created.body.avatar_url))).status).toBe(404);
      expect(await ctx.db.query('SELECT 1 FROM identity.user_avatars WHERE user_id = $1', [created.body.id])).toHaveLength(0);
    });
  });

  describe('durability', () => {
    it('a second API instance on the same database serves the avatar', async () => {
      const created = await createWithAvatar(PNG, 'durable.png');
      const second = await createApiApp(ctx.config, { logger: false });
      await second.init();
      try {
        const file = await supertest(second.getHttpServer()).get(pathOf(created.body.avatar_url)).buffer(true).parse(binary);
        expect(file.status).toBe(200);
        expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
        const shown = await supertest(second.getHttpServer()).get(`/api/v4/users/${created.body.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
        expect(shown.body.avatar_url).toBe(created.body.avatar_url);
      } finally {
        await second.close();
      }
    });

    it("a rebuild of 'identity.users' keeps avatar_path and the file", async () => {
      const created = await createWithAvatar(PNG, 'first.png');
      expect((await putAvatar(created.body.id, GIF, 'second.gif')).status).toBe(200);
      const before = await ctx.db.query<{ id: string; avatar_path: string | null }>('SELECT id, avatar_path FROM identity.users ORDER BY id');
      await ctx.api.get(ProjectionRebuilder).rebuild('identity.users');
      const after = await ctx.db.query<{ id: string; avatar_path: string | null }>('SELECT id, avatar_path FROM identity.users ORDER BY id');
      expect(after).toEqual(before);
      expect(after.find((row) => Number(row.id) === created.body.id)?.avatar_path).toBe(`/uploads/-/system/user/avatar/${created.body.id}/second.gif`);
      const file = await fetchFile(`/uploads/-/system/user/avatar/${created.body.id}/second.gif`);
      expect(file.status).toBe(200);
      expect(Buffer.compare(file.body as Buffer, GIF)).toBe(0);
    });
  });
});
