import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

/**
 * Bad input gets a 4xx, never a 500: the cases that answered 500 before, and those the fuzz tier
 * (test/fuzz) found. Unreadable requests (a body that does not parse, a NUL byte or a lone surrogate
 * anywhere, a path that does not decode) are refused before authentication, as GitLab's Rack
 * middleware `HandleMalformedStrings` does; ids that cannot exist are 404s, in their endpoint's order
 * of checks; filters out of range and query strings too long for a `Link` header are 400s.
 */

const NUL = { error: 'The request contains a null byte (U+0000); remove it from the path and the parameters' };
const SURROGATE = { error: 'The request contains a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair); send well-formed Unicode text' };
const BAD_PATH = { error: 'The request path is not valid percent-encoded UTF-8; escape it as RFC 3986 describes' };
const UNPARSABLE = { error: 'The request body could not be parsed; send valid JSON, form or multipart data' };
const TOO_LARGE = { message: '413 Request Entity Too Large' };
const CURSOR_INVALID = { error: 'cursor is invalid' };
const LINK_TOO_LONG = { error: 'query parameters are too long; Link headers repeat them, so send at most 2048 bytes of them (URL-encoded)' };
const USER_NOT_FOUND = { message: '404 User Not Found' };
const BEYOND_BIGINT = '9223372036854775808';

/** Status, exact body, and the JSON type every error has. */
function expectAnswer(res: Response, status: number, body: unknown): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body });
  expect(res.headers['content-type']).toBe('application/json');
}

describe('bad input: a 4xx with a GitLab error body, never a 500', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let victim: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('bad-input');
    alice = await createUserWithToken(ctx, { username: unique('alice') });
    victim = await createUserWithToken(ctx, { username: unique('victim') });
  });
  afterAll(async () => ctx?.close());

  const asRoot = (req: ReturnType<TestContext['http']['get']>) => req.set('PRIVATE-TOKEN', ctx.rootToken);

  describe('NUL bytes (PostgreSQL refuses U+0000 in text): 400, before authentication', () => {
    it('GET /users?username=%00 and ?search=a%00', async () => {
      expectAnswer(await asRoot(ctx.http.get('/api/v4/users?username=%00')), 400, NUL);
      expectAnswer(await asRoot(ctx.http.get('/api/v4/users?search=a%00')), 400, NUL);
    });

    it('anonymous GET /users?username=%00: 400, not the 403 of an anonymous list', async () => {
      expectAnswer(await ctx.http.get('/api/v4/users?username=%00'), 400, NUL);
    });

    it('PUT /users/:id with bio=a%00b as a form', async () => {
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).type('form').send('bio=a%00b'), 400, NUL);
    });

    it('anonymous PUT /users/:id with bio=a%00b: 400, where the same write with a readable bio is 401', async () => {
      expectAnswer(await ctx.http.put(`/api/v4/users/${victim.id}`).type('form').send('bio=a%00b'), 400, NUL);
      expectAnswer(await ctx.http.put(`/api/v4/users/${victim.id}`).type('form').send('bio=ab'), 401, { message: '401 Unauthorized' });
    });

    it('a custom attribute value, and a custom attribute key in the path', async () => {
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}/custom_attributes/team`)).type('form').send('value=a%00b'), 400, NUL);
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}/custom_attributes/te%00am`)).type('form').send('value=ab'), 400, NUL);
    });

    it('a personal access token name', async () => {
      expectAnswer(await asRoot(ctx.http.post(`/api/v4/users/${victim.id}/personal_access_tokens`)).type('form').send('name=a%00b&scopes[]=api'), 400, NUL);
    });

    it('a JSON string, deep in arrays and objects, and a parameter name', async () => {
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).send({ bio: 'a\u0000b' }), 400, NUL);
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).send({ unknown: { deep: [{ x: ['\u0000'] }] } }), 400, NUL);
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).send({ 'bi\u0000o': 'x' }), 400, NUL);
      expectAnswer(await asRoot(ctx.http.get('/api/v4/users?a%00=1')), 400, NUL);
    });

    it('a multipart field and an uploaded file name', async () => {
      const boundary = 'nulboundary';
      const part = (headers: string, value: string) => `--${boundary}\r\n${headers}\r\n\r\n${value}\r\n`;
      const field = `${part('Content-Disposition: form-data; name="bio"', 'a\u0000b')}--${boundary}--\r\n`;
      // A raw NUL in a part header is a malformed body to the parser; RFC 5987's encoded form gets through to the name.
      const file = `${part("Content-Disposition: form-data; name=\"avatar\"; filename*=UTF-8''a%00.png\r\nContent-Type: image/png", 'png')}--${boundary}--\r\n`;
      for (const body of [field, file]) {
        expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body), 400, NUL);
      }
    });

    it('the path: GET /uploads/-/system/user/avatar/10/%00', async () => {
      expectAnswer(await ctx.http.get('/uploads/-/system/user/avatar/10/%00'), 400, NUL);
    });

    it('a keyset cursor whose base64 hides a NUL: cursor is invalid', async () => {
      const cursor = Buffer.from(JSON.stringify({ name: 'a\u0000', id: '1' })).toString('base64url');
      expectAnswer(await asRoot(ctx.http.get(`/api/v4/users?pagination=keyset&order_by=name&cursor=${cursor}`)), 400, CURSOR_INVALID);
    });
  });

  describe('lone UTF-16 surrogates in JSON (PostgreSQL refuses them in jsonb): 400, before authentication', () => {
    it('{"bio":"\\ud800"}, as a value and as a key, signed in or not', async () => {
      const put = () => ctx.http.put(`/api/v4/users/${victim.id}`).set('Content-Type', 'application/json');
      expectAnswer(await put().set('PRIVATE-TOKEN', ctx.rootToken).send('{"bio":"\\ud800"}'), 400, SURROGATE);
      expectAnswer(await put().set('PRIVATE-TOKEN', ctx.rootToken).send('{"\\udc00":"x"}'), 400, SURROGATE);
      expectAnswer(await put().send('{"bio":"a\\udfffb"}'), 400, SURROGATE);
    });

    it('a surrogate pair is a character like any other: 200 and stored', async () => {
      const res = await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).set('Content-Type', 'application/json').send('{"bio":"\\ud83d\\ude00"}');
      expect(res.status).toBe(200);
      expect(res.body.bio).toBe('😀');
    });
  });

  describe('paths that do not decode: 400', () => {
    it('a broken escape in a route parameter', async () => {
      expectAnswer(await asRoot(ctx.http.get('/api/v4/users/%ED%A0%80')), 400, BAD_PATH);
      expectAnswer(await asRoot(ctx.http.get(`/api/v4/users/${victim.id}/custom_attributes/%E0%A4%A`)), 400, BAD_PATH);
    });
  });

  describe('ids beyond bigint: the 404 of an id that cannot exist, in each endpoint\'s order of checks', () => {
    it('GET /uploads/-/system/user/avatar/9223372036854775808/x.png', async () => {
      expectAnswer(await ctx.http.get(`/uploads/-/system/user/avatar/${BEYOND_BIGINT}/x.png`), 404, { message: '404 Not Found' });
    });

    it('GET /audit_events/9223372036854775808', async () => {
      expectAnswer(await asRoot(ctx.http.get(`/api/v4/audit_events/${BEYOND_BIGINT}`)), 404, { message: '404 Audit Event Not Found' });
    });

    it('a Sudo header or sudo param beyond bigint names no user', async () => {
      const id = '99999999999999999999';
      expectAnswer(await asRoot(ctx.http.get('/api/v4/user')).set('Sudo', id), 404, { message: `404 User with ID or username '${id}' Not Found` });
      expectAnswer(await asRoot(ctx.http.get(`/api/v4/user?sudo=${BEYOND_BIGINT}`)), 404, { message: `404 User with ID or username '${BEYOND_BIGINT}' Not Found` });
    });

    it('POST /users/:user_id/personal_access_tokens', async () => {
      expectAnswer(await asRoot(ctx.http.post(`/api/v4/users/${BEYOND_BIGINT}/personal_access_tokens`)).send({ name: 'x', scopes: ['api'] }), 404, USER_NOT_FOUND);
    });

    it('show, update, delete, custom attributes and identities of /users/:id', async () => {
      const path = `/api/v4/users/${BEYOND_BIGINT}`;
      expectAnswer(await asRoot(ctx.http.get(path)), 404, USER_NOT_FOUND);
      expectAnswer(await asRoot(ctx.http.put(path)).send({ bio: 'x' }), 404, USER_NOT_FOUND);
      expectAnswer(await asRoot(ctx.http.delete(path)), 404, USER_NOT_FOUND);
      expectAnswer(await asRoot(ctx.http.get(`${path}/custom_attributes`)), 404, USER_NOT_FOUND);
      expectAnswer(await asRoot(ctx.http.put(`${path}/custom_attributes/team`)).send({ value: 'x' }), 404, USER_NOT_FOUND);
      expectAnswer(await asRoot(ctx.http.delete(`${path}/identities/github`)), 404, USER_NOT_FOUND);
    });

    it('the order of checks holds: anonymous 401, a regular user 403, before the 404', async () => {
      const path = `/api/v4/users/${BEYOND_BIGINT}`;
      expectAnswer(await ctx.http.put(path).send({ bio: 'x' }), 401, { message: '401 Unauthorized' });
      expectAnswer(await ctx.http.put(path).set('PRIVATE-TOKEN', alice.token).send({ bio: 'x' }), 403, { message: '403 Forbidden' });
    });

    it('an entity_id filter beyond what an id can be is a 400', async () => {
      expectAnswer(await asRoot(ctx.http.get(`/api/v4/audit_events?entity_type=User&entity_id=${BEYOND_BIGINT}`)), 400, { error: 'entity_id is invalid' });
    });
  });

  describe('bodies that cannot be read: 400 (413 over the limits), before authentication', () => {
    it('POST /users with multipart/form-data and no boundary, signed in or not', async () => {
      expectAnswer(await asRoot(ctx.http.post('/api/v4/users')).set('Content-Type', 'multipart/form-data').send('username=x'), 400, UNPARSABLE);
      expectAnswer(await ctx.http.post('/api/v4/users').set('Content-Type', 'multipart/form-data').send('username=x'), 400, UNPARSABLE);
    });

    it('a multipart body cut short', async () => {
      const body = '--cut\r\nContent-Disposition: form-data; name="username"\r\n\r\nunfinished';
      expectAnswer(await asRoot(ctx.http.post('/api/v4/users')).set('Content-Type', 'multipart/form-data; boundary=cut').send(body), 400, UNPARSABLE);
    });

    it('JSON in a charset the parser does not know', async () => {
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).set('Content-Type', 'application/json; charset=latin9').send('{"bio":"x"}'), 400, UNPARSABLE);
    });

    it('more files than a multipart body may carry: 413', async () => {
      let req = asRoot(ctx.http.put(`/api/v4/users/${victim.id}`));
      for (let i = 0; i < 6; i++) req = req.attach(`file${i}`, Buffer.from('x'), { filename: `f${i}.png`, contentType: 'image/png' });
      expectAnswer(await req, 413, TOO_LARGE);
    });

    it('JSON nested 50,000 deep is read and walked without a stack overflow', async () => {
      const deep = (inner: string) => `{"bio":"deep","x":${'['.repeat(50_000)}${inner}${']'.repeat(50_000)}}`;
      const ok = await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).set('Content-Type', 'application/json').send(deep('1'));
      expect(ok.status).toBe(200);
      expect(ok.body.bio).toBe('deep');
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).set('Content-Type', 'application/json').send(deep('"\\u0000"')), 400, NUL);
    });

    it('request headers over Node\'s 16 KiB limit: 431 as JSON too', async () => {
      expectAnswer(await asRoot(ctx.http.get('/api/v4/user')).set('X-Padding', 'x'.repeat(17 * 1024)), 431, { message: '431 Request Header Fields Too Large' });
    });
  });

  describe('an identity longer than PostgreSQL can index: a validation error, not a 500', () => {
    it('extern_uid over 500 characters, provider over 255', async () => {
      const random = (length: number) => Array.from({ length }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).send({ provider: 'github', extern_uid: random(4_000) }), 400, {
        message: { extern_uid: ['is too long (maximum is 500 characters)'] },
      });
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).send({ provider: random(256), extern_uid: '42' }), 400, {
        message: { provider: ['is too long (maximum is 255 characters)'] },
      });
    });
  });

  describe('an identity another user already has: GitLab\'s validation error, not a 500', () => {
    it('the same provider and extern_uid (case aside) on a second user, by PUT and by POST', async () => {
      const taken = { message: { 'identities.extern_uid': ['has already been taken. Please contact your administrator to generate a unique extern_uid / NameID'] } };
      const uid = unique('uid');
      expect((await asRoot(ctx.http.put(`/api/v4/users/${alice.id}`)).send({ provider: 'github', extern_uid: uid })).status).toBe(200);
      expectAnswer(await asRoot(ctx.http.put(`/api/v4/users/${victim.id}`)).send({ provider: 'github', extern_uid: uid.toUpperCase() }), 400, taken);
      const username = unique('claimant');
      const create = { username, email: `${username}@example.org`, name: 'Claimant', password: 'Vq8!zR2#long-enough', provider: 'github', extern_uid: uid };
      expectAnswer(await asRoot(ctx.http.post('/api/v4/users')).send(create), 400, taken);
    });
  });

  describe('Link headers stay within what Node clients accept (16 KiB of response headers)', () => {
    const longCursor = 'a'.repeat(6_000);

    it('a cursor longer than any we issue: cursor is invalid, in keyset and offset requests alike', async () => {
      expectAnswer(await asRoot(ctx.http.get(`/api/v4/users?pagination=keyset&cursor=${longCursor}`)), 400, CURSOR_INVALID);
      expectAnswer(await asRoot(ctx.http.get(`/api/v4/users?cursor=${longCursor}`)), 400, CURSOR_INVALID);
    });

    it('more than 2048 bytes of parameters to repeat: 400, on /users and /audit_events alike', async () => {
      expectAnswer(await asRoot(ctx.http.get(`/api/v4/users?search=${'a'.repeat(2_042)}`)), 400, LINK_TOO_LONG);
      expectAnswer(await asRoot(ctx.http.get(`/api/v4/audit_events?note=${'%C3%A9'.repeat(400)}`)), 400, LINK_TOO_LONG);
    });

    it('at exactly 2048 bytes, all four rels are sent and the headers fit', async () => {
      // `x=` and 2,046 characters: 2,048 bytes as the Link URLs carry them (page and per_page are set by each link).
      const res = await asRoot(ctx.http.get(`/api/v4/users?x=${'a'.repeat(2_046)}&per_page=1&page=2`));
      expect(res.status).toBe(200);
      expect(res.headers.link.split(', ').map((link: string) => /rel="(\w+)"/.exec(link)?.[1])).toEqual(['prev', 'next', 'first', 'last']);
      const headerBytes = Object.entries(res.headers).reduce((sum, [name, value]) => sum + name.length + String(value).length + 4, 0);
      expect(headerBytes).toBeLessThan(16 * 1024);
    });
  });
});
