import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createUserWithToken, eventually, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';
import {
  bodyLinesOf,
  generateGpgKey,
  randomArmoredBlock,
  revokedPublicKey,
  rewrapped,
  withCommentHeader,
  type GeneratedGpgKey,
} from './gpg-key-fixtures.js';

const ENTITY_KEYS = ['created_at', 'id', 'key'];
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNAUTHORIZED = { message: '401 Unauthorized' };
const FORBIDDEN = { message: '403 Forbidden' };
const KEY_NOT_FOUND = { message: '404 GPG Key Not Found' };
const USER_NOT_FOUND = { message: '404 User Not Found' };
const ROUTE_NOT_FOUND = { error: '404 Not Found' };
const KEY_MISSING = { error: 'key is missing' };
const INVALID_FORMAT = "is invalid. A valid public GPG key begins with '-----BEGIN PGP PUBLIC KEY BLOCK-----' and ends with '-----END PGP PUBLIC KEY BLOCK-----'";
const TEXT_TAKEN = { message: { key: ['has already been taken'] } };
const FINGERPRINT_TAKEN = { message: { fingerprint: ['has already been taken'], primary_keyid: ['has already been taken'] } };
const NO_USER = 999_999_999;

interface GpgKey {
  id: number;
  key: string;
  created_at: string;
}

describe('GPG keys (/user/gpg_keys, /users/:id/gpg_keys)', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let bob: CreatedUser;

  const authed = <T extends { set(name: string, value: string): T }>(req: T, token: string | null) => (token ? req.set('PRIVATE-TOKEN', token) : req);
  const get = (path: string, token: string | null) => authed(ctx.http.get(`/api/v4${path}`), token);
  const post = (path: string, token: string | null, body?: object) => {
    const req = authed(ctx.http.post(`/api/v4${path}`), token);
    return body ? req.send(body) : req;
  };
  const del = (path: string, token: string | null) => authed(ctx.http.delete(`/api/v4${path}`), token);
  const addOwn = (token: string | null, key: string) => post('/user/gpg_keys', token, { key });
  /** Adds a fresh key to `userId` as root; answers its id and the key. */
  const addFor = async (userId: number, key?: GeneratedGpgKey): Promise<{ id: number; key: GeneratedGpgKey }> => {
    const generated = key ?? (await generateGpgKey());
    const res = await post(`/users/${userId}/gpg_keys`, ctx.rootToken, { key: generated.publicKey });
    if (res.status !== 201) throw new Error(`adding a GPG key answered ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, key: generated };
  };
  const ids = (body: GpgKey[]) => body.map((key) => key.id);
  const stored = async (id: number) => {
    const [row] = await ctx.db.query<{ fingerprint: string; primary_keyid: string; emails: string[] }>(
      'SELECT fingerprint, primary_keyid, emails FROM credentials.gpg_keys WHERE id = $1',
      [id],
    );
    return row;
  };
  const storedSubkeys = (id: number) =>
    ctx.db.query<{ keyid: string; fingerprint: string }>('SELECT keyid, fingerprint FROM credentials.gpg_key_subkeys WHERE gpg_key_id = $1 ORDER BY keyid', [id]);
  const bySubkeyId = (a: { keyid: string }, b: { keyid: string }) => (a.keyid < b.keyid ? -1 : a.keyid > b.keyid ? 1 : 0);
  const expectEntity = (body: GpgKey, key: GeneratedGpgKey) => {
    expect(Object.keys(body).sort()).toEqual(ENTITY_KEYS);
    expect(body.id).toEqual(expect.any(Number));
    expect(body.key).toBe(key.publicKey.trim());
    expect(body.created_at).toMatch(ISO_MS);
  };

  beforeAll(async () => {
    ctx = await startTestApp('gpg-keys');
    alice = await createUserWithToken(ctx, {}, ['api']);
    bob = await createUserWithToken(ctx, {}, ['api']);
  });
  afterAll(async () => ctx?.close());

  describe('POST /user/gpg_keys: the entity and what is stored', () => {
    it('an Ed25519 key: 201 with exactly id, key (trimmed) and created_at; its fingerprint, key id, e-mail and subkey are stored', async () => {
      const key = await generateGpgKey();
      const res = await addOwn(alice.token, `\n  ${key.publicKey}\n\n`);
      expect(res.status).toBe(201);
      expectEntity(res.body, key);
      expect(await stored(res.body.id)).toEqual({ fingerprint: key.fingerprint, primary_keyid: key.keyId, emails: key.emails });
      expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
      expect(key.keyId).toMatch(/^[0-9A-F]{16}$/);
      expect(key.subkeys).toHaveLength(1);
      expect(await storedSubkeys(res.body.id)).toEqual(key.subkeys);
      const shown = await get(`/user/gpg_keys/${res.body.id}`, alice.token);
      expect(shown.status).toBe(200);
      expect(shown.body).toEqual(res.body);
    });

    it('an RSA 2048 key with two user ids: both e-mails are stored', async () => {
      const key = await generateGpgKey({ type: 'rsa', emails: ['first.rsa@example.org', 'second.rsa@example.org'] });
      const res = await addOwn(alice.token, key.publicKey);
      expect(res.status).toBe(201);
      expectEntity(res.body, key);
      expect(await stored(res.body.id)).toEqual({ fingerprint: key.fingerprint, primary_keyid: key.keyId, emails: ['first.rsa@example.org', 'second.rsa@example.org'] });
    });

    it('a key with two subkeys (encryption and signing): one stored row per subkey, upper-case hex', async () => {
      const key = await generateGpgKey({ subkeys: [{}, { sign: true }] });
      expect(key.subkeys).toHaveLength(2);
      const res = await addOwn(alice.token, key.publicKey);
      expect(res.status).toBe(201);
      const rows = await storedSubkeys(res.body.id);
      expect(rows).toEqual([...key.subkeys].sort(bySubkeyId));
      for (const row of rows) {
        expect(row.keyid).toMatch(/^[0-9A-F]{16}$/);
        expect(row.fingerprint).toMatch(/^[0-9A-F]{40}$/);
      }
    });

    it('a key carrying a revocation signature is accepted, as GitLab accepts it', async () => {
      const key = await generateGpgKey();
      const revoked = await revokedPublicKey(key.privateKey);
      expect(revoked).not.toBe(key.publicKey);
      const res = await addOwn(alice.token, revoked);
      expect(res.status).toBe(201);
      expect(res.body.key).toBe(revoked.trim());
      expect(await stored(res.body.id)).toMatchObject({ fingerprint: key.fingerprint, primary_keyid: key.keyId });
    });

    it('key missing: 400 "key is missing"; anonymous: 401', async () => {
      const missing = await post('/user/gpg_keys', alice.token, {});
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual(KEY_MISSING);
      const anonymous = await addOwn(null, (await generateGpgKey()).publicKey);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(UNAUTHORIZED);
    });

    it('a read_user token lists its keys but cannot add one (403 insufficient_scope)', async () => {
      const reader = await createUserWithToken(ctx, {}, ['read_user']);
      const list = await get('/user/gpg_keys', reader.token);
      expect(list.status).toBe(200);
      expect(list.body).toEqual([]);
      const refused = await addOwn(reader.token, (await generateGpgKey()).publicKey);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('insufficient_scope');
      expect(await get('/user/gpg_keys', reader.token).then((res) => res.body)).toEqual([]);
    });
  });

  describe('validation (400 {"message":{...}})', () => {
    it.each([
      ['plain text', async () => 'hello'],
      ['a private key block', async () => (await generateGpgKey()).privateKey],
      ['two public blocks concatenated', async () => `${(await generateGpgKey()).publicKey.trim()}\n${(await generateGpgKey()).publicKey.trim()}`],
      ['a public block with text before it', async () => `my key:\n${(await generateGpgKey()).publicKey}`],
    ])('%s: message.key is the format error', async (_label, text) => {
      const res = await addOwn(alice.token, await text());
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { key: [INVALID_FORMAT] } });
    });

    it('a well-framed block of random base64: fingerprint and primary_keyid "can\'t be blank"', async () => {
      const res = await addOwn(alice.token, randomArmoredBlock());
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { fingerprint: ["can't be blank"], primary_keyid: ["can't be blank"] } });
    });

    it('an empty key: message.key has "can\'t be blank"', async () => {
      const res = await addOwn(alice.token, '');
      expect(res.status).toBe(400);
      expect(res.body.message.key).toContain("can't be blank");
    });

    it('the same armored text again, by the same user or another: key "has already been taken"', async () => {
      const key = await generateGpgKey();
      expect((await addOwn(alice.token, key.publicKey)).status).toBe(201);
      const again = await addOwn(alice.token, `${key.publicKey}\n\n`);
      expect(again.status).toBe(400);
      expect(again.body).toEqual(TEXT_TAKEN);
      const other = await addOwn(bob.token, key.publicKey);
      expect(other.status).toBe(400);
      expect(other.body).toEqual(TEXT_TAKEN);
      const byAdmin = await post(`/users/${bob.id}/gpg_keys`, ctx.rootToken, { key: key.publicKey });
      expect(byAdmin.status).toBe(400);
      expect(byAdmin.body).toEqual(TEXT_TAKEN);
    });

    it('the same key armored differently (a Comment header, other line breaks): fingerprint and primary_keyid taken', async () => {
      const key = await generateGpgKey();
      expect((await addOwn(alice.token, key.publicKey)).status).toBe(201);
      const commented = await withCommentHeader(key.publicKey);
      const wrapped = rewrapped(key.publicKey);
      for (const text of [commented, wrapped]) expect(text.trim()).not.toBe(key.publicKey.trim());
      for (const [token, text] of [
        [alice.token, commented],
        [bob.token, commented],
        [alice.token, wrapped],
        [bob.token, wrapped],
      ]) {
        const res = await addOwn(token, text);
        expect(res.status).toBe(400);
        expect(res.body).toEqual(FINGERPRINT_TAKEN);
      }
    });

    it('10 users adding one key at once: exactly one 201, the others 400 taken', async () => {
      const users: CreatedUser[] = [];
      for (let i = 0; i < 10; i += 1) users.push(await createUserWithToken(ctx, {}, ['api']));
      const key = await generateGpgKey();
      const results = await Promise.all(users.map((user) => addOwn(user.token, key.publicKey)));
      const created = results.filter((res) => res.status === 201);
      expect(created).toHaveLength(1);
      for (const res of results.filter((r) => r.status !== 201)) {
        expect(res.status).toBe(400);
        expect([TEXT_TAKEN, FINGERPRINT_TAKEN]).toContainEqual(res.body);
      }
      const [{ count }] = await ctx.db.query<{ count: string }>('SELECT count(*) FROM credentials.gpg_keys WHERE fingerprint = $1', [key.fingerprint]);
      expect(count).toBe('1');
    });
  });

  describe('listing and showing', () => {
    let owner: CreatedUser;
    let keyIds: number[];

    beforeAll(async () => {
      owner = await createUserWithToken(ctx, {}, ['api']);
      keyIds = [];
      for (let i = 0; i < 3; i += 1) keyIds.push((await addFor(owner.id)).id);
    });

    it('GET /user/gpg_keys: own keys by id ascending, with offset pagination headers', async () => {
      const all = await get('/user/gpg_keys', owner.token);
      expect(all.status).toBe(200);
      expect(ids(all.body)).toEqual(keyIds);
      for (const key of all.body as GpgKey[]) expect(Object.keys(key).sort()).toEqual(ENTITY_KEYS);
      expect(all.headers['x-total']).toBe('3');
      const first = await get('/user/gpg_keys?per_page=2', owner.token);
      expect(ids(first.body)).toEqual(keyIds.slice(0, 2));
      expect(first.headers).toMatchObject({ 'x-total': '3', 'x-total-pages': '2', 'x-page': '1', 'x-per-page': '2', 'x-next-page': '2', 'x-prev-page': '' });
      expect(first.headers.link).toContain('rel="next"');
      const second = await get('/user/gpg_keys?per_page=2&page=2', owner.token);
      expect(ids(second.body)).toEqual(keyIds.slice(2));
      expect(second.headers).toMatchObject({ 'x-page': '2', 'x-next-page': '', 'x-prev-page': '1' });
      const anonymous = await get('/user/gpg_keys', null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(UNAUTHORIZED);
    });

    it("GET /user/gpg_keys/:key_id: someone else's key is 404, even for an admin; a non-numeric id is 400", async () => {
      for (const token of [bob.token, ctx.rootToken]) {
        const res = await get(`/user/gpg_keys/${keyIds[0]}`, token);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(KEY_NOT_FOUND);
      }
      const missing = await get('/user/gpg_keys/999999999', owner.token);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(KEY_NOT_FOUND);
      const invalid = await get('/user/gpg_keys/abc', owner.token);
      expect(invalid.status).toBe(400);
      expect(invalid.body).toEqual({ error: 'key_id is invalid' });
    });

    it('GET /users/:id/gpg_keys(/:key_id): no token needed; 404 User, 404 GPG Key, non-numeric id 404', async () => {
      const list = await get(`/users/${owner.id}/gpg_keys`, null);
      expect(list.status).toBe(200);
      expect(ids(list.body)).toEqual(keyIds);
      expect(list.headers['x-total']).toBe('3');
      const one = await get(`/users/${owner.id}/gpg_keys/${keyIds[1]}`, null);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(list.body[1]);
      const cases: [string, number, unknown][] = [
        [`/users/${NO_USER}/gpg_keys`, 404, USER_NOT_FOUND],
        [`/users/${NO_USER}/gpg_keys/${keyIds[0]}`, 404, USER_NOT_FOUND],
        [`/users/${bob.id}/gpg_keys/${keyIds[0]}`, 404, KEY_NOT_FOUND],
        ['/users/abc/gpg_keys', 404, ROUTE_NOT_FOUND],
        [`/users/${owner.id}/gpg_keys/abc`, 400, { error: 'key_id is invalid' }],
      ];
      for (const [path, status, body] of cases) {
        const res = await get(path, null);
        expect({ path, status: res.status, body: res.body }).toEqual({ path, status, body });
      }
    });
  });

  describe('revoking and deleting', () => {
    it('POST /user/gpg_keys/:key_id/revoke: 202 with the body 202; the key is gone; again: 404', async () => {
      const kept = await addFor(alice.id);
      const { id } = await addFor(alice.id);
      const before = await get('/user/gpg_keys', alice.token);
      const res = await post(`/user/gpg_keys/${id}/revoke`, alice.token);
      expect(res.status).toBe(202);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.text).toBe('202');
      expect(res.body).toBe(202);
      expect((await get(`/user/gpg_keys/${id}`, alice.token)).body).toEqual(KEY_NOT_FOUND);
      const after = await get('/user/gpg_keys', alice.token);
      expect(ids(after.body)).toEqual(ids(before.body).filter((other) => other !== id));
      expect(ids(after.body)).toContain(kept.id);
      const again = await post(`/user/gpg_keys/${id}/revoke`, alice.token);
      expect(again.status).toBe(404);
      expect(again.body).toEqual(KEY_NOT_FOUND);
    });

    it('DELETE /user/gpg_keys/:key_id: 412 with If-Unmodified-Since in 2000, then 204 empty, then 404', async () => {
      const { id, key } = await addFor(alice.id);
      const stale = await del(`/user/gpg_keys/${id}`, alice.token).set('If-Unmodified-Since', 'Sat, 01 Jan 2000 00:00:00 GMT');
      expect(stale.status).toBe(412);
      expect(stale.body).toEqual({ message: '412 Precondition Failed' });
      expect((await get(`/user/gpg_keys/${id}`, alice.token)).status).toBe(200);
      const res = await del(`/user/gpg_keys/${id}`, alice.token);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(await stored(id)).toBeUndefined();
      expect(await storedSubkeys(id)).toEqual([]);
      const again = await del(`/user/gpg_keys/${id}`, alice.token);
      expect(again.status).toBe(404);
      expect(again.body).toEqual(KEY_NOT_FOUND);
      // Gone, the same key can be added again.
      expect((await addOwn(alice.token, key.publicKey)).status).toBe(201);
    });

    it('POST /users/:id/gpg_keys: params before the admin check; 403, 404 User, 201 for the user', async () => {
      const anonymous = await post(`/users/${alice.id}/gpg_keys`, null, {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(UNAUTHORIZED);
      const noBody = await post(`/users/${alice.id}/gpg_keys`, bob.token, {});
      expect(noBody.status).toBe(400);
      expect(noBody.body).toEqual(KEY_MISSING);
      const key = await generateGpgKey();
      const forbidden = await post(`/users/${alice.id}/gpg_keys`, bob.token, { key: key.publicKey });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toEqual(FORBIDDEN);
      const noUser = await post(`/users/${NO_USER}/gpg_keys`, ctx.rootToken, { key: key.publicKey });
      expect(noUser.status).toBe(404);
      expect(noUser.body).toEqual(USER_NOT_FOUND);
      const created = await post(`/users/${alice.id}/gpg_keys`, ctx.rootToken, { key: key.publicKey });
      expect(created.status).toBe(201);
      expectEntity(created.body, key);
      expect(ids((await get('/user/gpg_keys', alice.token)).body)).toContain(created.body.id);
    });

    it('DELETE and revoke for a user (admin): 404 User, 404 GPG Key for a key of someone else', async () => {
      const { id } = await addFor(alice.id);
      for (const [method, suffix, success] of [
        ['delete', '', 204],
        ['post', '/revoke', 202],
      ] as const) {
        const call = (path: string) => (method === 'delete' ? del(path, ctx.rootToken) : post(path, ctx.rootToken));
        const noUser = await call(`/users/${NO_USER}/gpg_keys/${id}${suffix}`);
        expect({ status: noUser.status, body: noUser.body }).toEqual({ status: 404, body: USER_NOT_FOUND });
        const notHers = await call(`/users/${bob.id}/gpg_keys/${id}${suffix}`);
        expect({ status: notHers.status, body: notHers.body }).toEqual({ status: 404, body: KEY_NOT_FOUND });
        expect((await get(`/user/gpg_keys/${id}`, alice.token)).status).toBe(200);
        const other = await addFor(bob.id);
        const done = await call(`/users/${bob.id}/gpg_keys/${other.id}${suffix}`);
        expect(done.status).toBe(success);
        expect(await stored(other.id)).toBeUndefined();
      }
    });
  });

  describe('authorization matrix: anonymous, another user, an admin, the owner', () => {
    type Who = 'anonymous' | 'other' | 'admin' | 'owner';
    /** A body to equal, or: the key listed / not listed, the key's entity, a new entity, an empty body, the body `202`. */
    type Check = object | 'present' | 'absent' | 'entity' | 'new' | 'empty' | 202;
    interface Route {
      name: string;
      call: (token: string | null, keyId: number) => Promise<Response>;
      /** Callers in the order they try, on one fresh key of alice's: refusals first, the one that removes it last. */
      expected: [Who, number, Check][];
    }
    /** Someone else's key is not found, even by an admin. */
    const notFound: [Who, number, Check][] = [
      ['anonymous', 401, UNAUTHORIZED],
      ['other', 404, KEY_NOT_FOUND],
      ['admin', 404, KEY_NOT_FOUND],
    ];
    const everyone = (check: Check): [Who, number, Check][] => (['anonymous', 'other', 'admin', 'owner'] as const).map((who) => [who, 200, check]);
    const routes: Route[] = [
      { name: 'GET /user/gpg_keys', call: (t) => get('/user/gpg_keys', t), expected: [['anonymous', 401, UNAUTHORIZED], ['other', 200, 'absent'], ['admin', 200, 'absent'], ['owner', 200, 'present']] },
      { name: 'GET /user/gpg_keys/:key_id', call: (t, k) => get(`/user/gpg_keys/${k}`, t), expected: [...notFound, ['owner', 200, 'entity']] },
      { name: 'POST /user/gpg_keys', call: async (t) => addOwn(t, (await generateGpgKey()).publicKey), expected: [['anonymous', 401, UNAUTHORIZED], ['other', 201, 'new'], ['admin', 201, 'new'], ['owner', 201, 'new']] },
      { name: 'POST /user/gpg_keys/:key_id/revoke', call: (t, k) => post(`/user/gpg_keys/${k}/revoke`, t), expected: [...notFound, ['owner', 202, 202]] },
      { name: 'DELETE /user/gpg_keys/:key_id', call: (t, k) => del(`/user/gpg_keys/${k}`, t), expected: [...notFound, ['owner', 204, 'empty']] },
      { name: 'GET /users/:id/gpg_keys', call: (t) => get(`/users/${alice.id}/gpg_keys`, t), expected: everyone('present') },
      { name: 'GET /users/:id/gpg_keys/:key_id', call: (t, k) => get(`/users/${alice.id}/gpg_keys/${k}`, t), expected: everyone('entity') },
      {
        name: 'POST /users/:id/gpg_keys',
        call: async (t) => post(`/users/${alice.id}/gpg_keys`, t, { key: (await generateGpgKey()).publicKey }),
        expected: [['anonymous', 401, UNAUTHORIZED], ['other', 403, FORBIDDEN], ['owner', 403, FORBIDDEN], ['admin', 201, 'new']],
      },
      {
        name: 'DELETE /users/:id/gpg_keys/:key_id',
        call: (t, k) => del(`/users/${alice.id}/gpg_keys/${k}`, t),
        expected: [['anonymous', 401, UNAUTHORIZED], ['other', 403, FORBIDDEN], ['owner', 403, FORBIDDEN], ['admin', 204, 'empty']],
      },
      {
        name: 'POST /users/:id/gpg_keys/:key_id/revoke',
        call: (t, k) => post(`/users/${alice.id}/gpg_keys/${k}/revoke`, t),
        expected: [['anonymous', 401, UNAUTHORIZED], ['other', 403, FORBIDDEN], ['owner', 403, FORBIDDEN], ['admin', 202, 202]],
      },
    ];

    it.each(routes.map((route) => [route.name, route] as const))('%s', async (_name, route) => {
      const tokens: Record<Who, string | null> = { anonymous: null, other: bob.token, admin: ctx.rootToken, owner: alice.token };
      const { id: keyId } = await addFor(alice.id);
      for (const [who, status, check] of route.expected) {
        const res = await route.call(tokens[who], keyId);
        expect({ who, status: res.status }).toEqual({ who, status });
        if (check === 'present' || check === 'absent') expect({ who, listed: ids(res.body).includes(keyId) }).toEqual({ who, listed: check === 'present' });
        else if (check === 'entity') expect(res.body).toEqual({ id: keyId, key: expect.any(String), created_at: expect.stringMatching(ISO_MS) });
        else if (check === 'new') expect(Object.keys(res.body).sort()).toEqual(ENTITY_KEYS);
        else if (check === 'empty') expect(res.text).toBe('');
        else if (check === 202) expect(res.text).toBe('202');
        else expect({ who, body: res.body }).toEqual({ who, body: check });
      }
    });
  });

  it("deleting a user removes the user's GPG keys", async () => {
    await ctx.startWorker();
    const doomed = await createUserWithToken(ctx, {}, ['api']);
    await addFor(doomed.id);
    await addFor(doomed.id, await generateGpgKey({ type: 'rsa' }));
    const count = async () => Number((await ctx.db.query<{ count: string }>('SELECT count(*) FROM credentials.gpg_keys WHERE user_id = $1', [doomed.id]))[0].count);
    expect(await count()).toBe(2);
    const res = await del(`/users/${doomed.id}`, ctx.rootToken);
    expect(res.status).toBe(204);
    expect(await eventually(async () => ((await count()) === 0 ? 0 : undefined), 15_000, "the deleted user's GPG keys to go")).toBe(0);
    const list = await get(`/users/${doomed.id}/gpg_keys`, null);
    expect(list.status).toBe(404);
    expect(list.body).toEqual(USER_NOT_FOUND);
  });

  it('audit: add_gpg_key and revoke_gpg_key rows name the fingerprint and never copy the armored key', async () => {
    await ctx.startWorker();
    const owner = await createUserWithToken(ctx, {}, ['api']);
    const key = await generateGpgKey({ type: 'rsa' });
    const added = await addOwn(owner.token, key.publicKey);
    expect(added.status).toBe(201);
    expect((await post(`/user/gpg_keys/${added.body.id}/revoke`, owner.token)).status).toBe(202);
    const events = await eventually(
      async () => {
        const res = await get(`/audit_events?entity_type=User&entity_id=${owner.id}&per_page=100`, ctx.rootToken);
        const rows = (res.body as { event_name: string; entity_id: number }[]).filter((row) => ['add_gpg_key', 'revoke_gpg_key'].includes(row.event_name));
        return rows.length === 2 ? rows : undefined;
      },
      15_000,
      'the add_gpg_key and revoke_gpg_key audit rows',
    );
    expect(events.map((row) => row.event_name).sort()).toEqual(['add_gpg_key', 'revoke_gpg_key']);
    const body = bodyLinesOf(key.publicKey);
    expect(body.length).toBeGreaterThan(5);
    for (const row of events) {
      expect(row.entity_id).toBe(owner.id);
      const json = JSON.stringify(row);
      expect(json).toContain(key.fingerprint);
      expect(json).not.toContain('PGP PUBLIC KEY BLOCK');
      for (const line of body) expect(json).not.toContain(line);
    }
    const [{ text }] = await ctx.db.query<{ text: string }>(
      "SELECT coalesce(string_agg(row_to_json(a)::text, ''), '') AS text FROM activity.audit_events a WHERE event_name LIKE '%gpg_key%'",
    );
    for (const line of body) expect(text).not.toContain(line);
  });
});
