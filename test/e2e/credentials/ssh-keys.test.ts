import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';
import { freshEd25519, smallRsaKey, sshKeygen, type GeneratedSshKey, type KeygenType } from './ssh-key-fixtures.js';

/**
 * GitLab's SSH key endpoints (Users API v4): the SSHKey entity, the eight routes, GitLab's Key
 * model validations and its key normalisation. Every key is generated here, by ssh-keygen (or
 * node's crypto for sizes ssh-keygen refuses), and every fingerprint is computed here.
 */

const ENTITY_KEYS = ['created_at', 'expires_at', 'id', 'key', 'last_used_at', 'title', 'usage_type'];
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FORBIDDEN = 'type is forbidden. Must be RSA, ECDSA, ED25519, ECDSA_SK, or ED25519_SK';
const TAKEN = ['has already been taken'];
const TAKEN_BODY = { message: { fingerprint: TAKEN, fingerprint_sha256: TAKEN, key: TAKEN } };
const KEY_NOT_FOUND = { message: '404 Key Not Found' };
const USER_NOT_FOUND = { message: '404 User Not Found' };

interface Owner extends CreatedUser {
  name: string;
}

interface StoredKey {
  user_id: string;
  key: string;
  fingerprint_md5: string;
  fingerprint_sha256: string;
}

describe('SSH keys: /user/keys and /users/:id/keys', () => {
  let ctx: TestContext;
  let host: string;
  let alice: Owner;
  let bob: Owner;

  const owner = async (name: string): Promise<Owner> => ({ ...(await createUserWithToken(ctx, { name })), name });
  const addOwn = (token: string, body: Record<string, unknown>) => ctx.http.post('/api/v4/user/keys').set('PRIVATE-TOKEN', token).send(body);
  const addFor = (userId: number | string, body: Record<string, unknown>, token?: string) => {
    const req = ctx.http.post(`/api/v4/users/${userId}/keys`);
    return (token ? req.set('PRIVATE-TOKEN', token) : req).send(body);
  };
  const showOwn = (token: string, keyId: number | string) => ctx.http.get(`/api/v4/user/keys/${keyId}`).set('PRIVATE-TOKEN', token);
  const deleteOwn = (token: string, keyId: number | string) => ctx.http.delete(`/api/v4/user/keys/${keyId}`).set('PRIVATE-TOKEN', token);
  const published = (key: GeneratedSshKey, user: Owner) => `${key.algorithm} ${key.blob} ${user.name} (${host})`;
  const stored = async (id: number): Promise<StoredKey | undefined> =>
    (
      await ctx.db.query<StoredKey>('SELECT user_id::text, key, fingerprint_md5, fingerprint_sha256 FROM credentials.ssh_keys WHERE id = $1', [id])
    )[0];
  /** Adds a key through POST /user/keys and answers the created entity. */
  const added = async (user: Owner, key: GeneratedSshKey = freshEd25519(), extra: Record<string, unknown> = {}) => {
    const res = await addOwn(user.token, { title: unique('key'), key: key.text, ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: number; title: string; key: string };
  };
  const invalid = async (body: Record<string, unknown>, token = alice.token) => {
    const res = await addOwn(token, { title: unique('bad'), ...body });
    expect(res.status).toBe(400);
    return res.body as { message: Record<string, string[]> };
  };

  beforeAll(async () => {
    ctx = await startTestApp('ssh-keys');
    host = new URL(ctx.config.externalUrl).host;
    alice = await owner('Alice Keyholder');
    bob = await owner('Bob Other');
  });
  afterAll(async () => ctx?.close());

  describe('POST /user/keys: the SSHKey entity', () => {
    const accepted: Array<[string, KeygenType, number | undefined, string]> = [
      ['RSA 1024', 'rsa', 1024, 'ssh-rsa'],
      ['RSA 2048', 'rsa', 2048, 'ssh-rsa'],
      ['RSA 4096', 'rsa', 4096, 'ssh-rsa'],
      ['ECDSA 256', 'ecdsa', 256, 'ecdsa-sha2-nistp256'],
      ['ECDSA 384', 'ecdsa', 384, 'ecdsa-sha2-nistp384'],
      ['ECDSA 521', 'ecdsa', 521, 'ecdsa-sha2-nistp521'],
      ['Ed25519', 'ed25519', undefined, 'ssh-ed25519'],
    ];

    it.each(accepted)('%s: 201, exactly the entity keys, the published key, and the fingerprints computed from the blob', async (_label, type, bits, algorithm) => {
      const key = sshKeygen(type, bits, 'me@laptop');
      expect(key.algorithm).toBe(algorithm);
      const title = unique('title');
      const before = Date.now();
      const res = await addOwn(alice.token, { title, key: key.text });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(ENTITY_KEYS);
      expect(res.body).toEqual({
        id: expect.any(Number),
        title,
        created_at: expect.stringMatching(ISO_MS),
        expires_at: null,
        last_used_at: null,
        key: `${algorithm} ${key.blob} Alice Keyholder (${host})`,
        usage_type: 'auth_and_signing',
      });
      expect(Math.abs(new Date(res.body.created_at).getTime() - before)).toBeLessThan(60_000);
      // The original comment is never published.
      expect(res.body.key).not.toContain('me@laptop');

      const row = await stored(res.body.id);
      expect(row).toEqual({ user_id: String(alice.id), key: `${algorithm} ${key.blob} me@laptop`, fingerprint_md5: key.md5, fingerprint_sha256: key.sha256 });
      expect(key.md5).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
      expect(key.sha256).toMatch(/^[A-Za-z0-9+/]{43}$/);

      const shown = await showOwn(alice.token, res.body.id);
      expect(shown.status).toBe(200);
      expect(shown.body).toEqual(res.body);
    });

    it('401 anonymous on GET and POST /user/keys', async () => {
      const list = await ctx.http.get('/api/v4/user/keys');
      expect(list.status).toBe(401);
      expect(list.body).toEqual({ message: '401 Unauthorized' });
      const add = await ctx.http.post('/api/v4/user/keys').send({ title: 't', key: freshEd25519().text });
      expect(add.status).toBe(401);
      expect(add.body).toEqual({ message: '401 Unauthorized' });
      expect((await ctx.http.get('/api/v4/user/keys/1')).status).toBe(401);
      expect((await ctx.http.delete('/api/v4/user/keys/1')).status).toBe(401);
    });

    it('usage_type and expires_at round-trip', async () => {
      for (const usage_type of ['auth', 'signing', 'auth_and_signing']) {
        const res = await addOwn(alice.token, { title: unique('usage'), key: freshEd25519().text, usage_type });
        expect(res.status).toBe(201);
        expect(res.body.usage_type).toBe(usage_type);
        expect((await showOwn(alice.token, res.body.id)).body.usage_type).toBe(usage_type);
      }
      const expiring = await addOwn(alice.token, { title: unique('expiring'), key: freshEd25519().text, expires_at: '2099-01-02T03:04:05Z' });
      expect(expiring.status).toBe(201);
      expect(expiring.body.expires_at).toBe('2099-01-02T03:04:05.000Z');
      expect((await showOwn(alice.token, expiring.body.id)).body.expires_at).toBe('2099-01-02T03:04:05.000Z');
    });
  });

  describe('normalisation', () => {
    it('a blob broken over lines is joined again; the comment keeps its first word; the published key names the owner', async () => {
      const key = sshKeygen('rsa', 2048, 'first');
      const wrapped = `  ${key.algorithm} ${key.blob.match(/.{1,70}/g)!.join('\n')} first second third\n`;
      const res = await addOwn(alice.token, { title: unique('wrapped'), key: wrapped });
      expect(res.status).toBe(201);
      expect((await stored(res.body.id))!.key).toBe(`${key.algorithm} ${key.blob} first`);
      expect(res.body.key).toBe(published(key, alice));
      expect(res.body.key.endsWith(` Alice Keyholder (${host})`)).toBe(true);
    });

    it('a blob broken by spaces is joined again; fingerprints are those of the whole blob', async () => {
      const key = freshEd25519('c');
      const middle = Math.floor(key.blob.length / 2);
      const spaced = `${key.algorithm} ${key.blob.slice(0, 10)} ${key.blob.slice(10, middle)}  ${key.blob.slice(middle)} work laptop`;
      const res = await addOwn(alice.token, { title: unique('spaced'), key: spaced });
      expect(res.status).toBe(201);
      expect(await stored(res.body.id)).toEqual({ user_id: String(alice.id), key: `${key.algorithm} ${key.blob} work`, fingerprint_md5: key.md5, fingerprint_sha256: key.sha256 });
      expect(res.body.key).toBe(published(key, alice));
    });
  });

  describe('validation (400)', () => {
    it('missing title or key; bad usage_type; bad expires_at', async () => {
      expect((await addOwn(alice.token, { key: freshEd25519().text })).body).toEqual({ error: 'title is missing' });
      expect((await addOwn(alice.token, { title: 't' })).body).toEqual({ error: 'key is missing' });
      const usage = await addOwn(alice.token, { title: 't', key: freshEd25519().text, usage_type: 'deploy' });
      expect(usage.status).toBe(400);
      expect(usage.body).toEqual({ error: 'usage_type does not have a valid value' });
      const expires = await addOwn(alice.token, { title: 't', key: freshEd25519().text, expires_at: 'notadate' });
      expect(expires.status).toBe(400);
      expect(expires.body).toEqual({ error: 'expires_at is invalid' });
    });

    it.each([['ssh-rsa notbase64!!'], ['hello']])('garbage key %j: the type is forbidden and no fingerprint can be generated', async (text) => {
      const body = await invalid({ key: text });
      expect(body.message.key).toContain(FORBIDDEN);
      expect(body.message.fingerprint_sha256).toEqual(['cannot be generated']);
    });

    it('a DSA key is forbidden by default', async () => {
      const body = await invalid({ key: sshKeygen('dsa', 1024).text });
      expect(body.message.key).toContain(FORBIDDEN);
    });

    it('an RSA key of 768 bits is under the default minimum of 1024', async () => {
      const key = smallRsaKey(768);
      expect(key.algorithm).toBe('ssh-rsa');
      const body = await invalid({ key: key.text });
      expect(body.message.key).toContain('must be at least 1024 bits');
    });

    it('a key line with options before the algorithm is invalid', async () => {
      const key = freshEd25519('c');
      const body = await invalid({ key: `no-pty ${key.algorithm} ${key.blob} c` });
      expect(body.message.key).toContain('is invalid');
    });

    it('garbage glued to the end of the blob makes it no key', async () => {
      const key = freshEd25519('c');
      const body = await invalid({ key: `${key.algorithm} ${key.blob}xyz c` });
      expect(Array.isArray(body.message.key)).toBe(true);
      expect(body.message.key.length).toBeGreaterThan(0);
      expect(body.message.fingerprint_sha256).toEqual(['cannot be generated']);
      expect(await ctx.db.query('SELECT 1 FROM credentials.ssh_keys WHERE fingerprint_sha256 = $1', [key.sha256])).toEqual([]);
    });

    it('title over 255 characters; key over 5000 characters; expires_at in the past', async () => {
      const title = await invalid({ title: 'x'.repeat(256), key: freshEd25519().text });
      expect(title.message.title).toEqual(['is too long (maximum is 255 characters)']);
      const long = await invalid({ key: freshEd25519('c'.repeat(5000)).text });
      expect(long.message.key).toContain('is too long (maximum is 5000 characters)');
      const past = await invalid({ key: freshEd25519().text, expires_at: '2001-02-03T04:05:06Z' });
      expect(past.message.key).toContain('has expired');
    });

    it('a key already added (by the same user, or by another) is taken', async () => {
      const key = freshEd25519();
      await added(alice, key);
      const again = await addOwn(alice.token, { title: unique('again'), key: key.text });
      expect(again.status).toBe(400);
      expect(again.body.message.fingerprint).toEqual(TAKEN);
      expect(again.body.message.fingerprint_sha256).toEqual(TAKEN);
      expect(again.body).toEqual(TAKEN_BODY);
      // Another comment does not make it another key.
      const other = await addOwn(bob.token, { title: unique('theirs'), key: `${key.algorithm} ${key.blob} bob@elsewhere` });
      expect(other.status).toBe(400);
      expect(other.body.message.fingerprint).toEqual(TAKEN);
      expect(other.body.message.fingerprint_sha256).toEqual(TAKEN);
      expect(other.body).toEqual(TAKEN_BODY);
      const holders = await ctx.db.query<{ user_id: string }>('SELECT user_id::text FROM credentials.ssh_keys WHERE fingerprint_sha256 = $1', [key.sha256]);
      expect(holders).toEqual([{ user_id: String(alice.id) }]);
    });

    it('20 users adding one fresh key at once: exactly one 201, nineteen 400 taken', async () => {
      const users = await Promise.all(Array.from({ length: 20 }, (_, n) => owner(`Racer ${n}`)));
      const key = freshEd25519();
      const answers = await Promise.all(users.map((user) => addOwn(user.token, { title: 'race', key: key.text })));
      const winners = answers.filter((res) => res.status === 201);
      const losers = answers.filter((res) => res.status !== 201);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(19);
      for (const res of losers) {
        expect(res.status).toBe(400);
        expect(res.body).toEqual(TAKEN_BODY);
      }
      const winner = users[answers.indexOf(winners[0])];
      expect(winners[0].body.key).toBe(published(key, winner));
      const holders = await ctx.db.query<{ user_id: string }>('SELECT user_id::text FROM credentials.ssh_keys WHERE fingerprint_sha256 = $1', [key.sha256]);
      expect(holders).toEqual([{ user_id: String(winner.id) }]);
    });
  });

  describe('/user/keys: listing, showing and deleting one\'s own keys', () => {
    it('GET /user/keys: own keys only, ordered by id, offset pagination', async () => {
      const lister = await owner('Lister Person');
      const ids = [(await added(lister)).id, (await added(lister)).id, (await added(lister)).id];
      await added(bob);
      const all = await ctx.http.get('/api/v4/user/keys').set('PRIVATE-TOKEN', lister.token);
      expect(all.status).toBe(200);
      expect(all.body.map((key: { id: number }) => key.id)).toEqual([...ids].sort((a, b) => a - b));
      for (const key of all.body) {
        expect(Object.keys(key).sort()).toEqual(ENTITY_KEYS);
        expect(key.key).toMatch(new RegExp(` Lister Person \\(${host.replace(/\./g, '\\.')}\\)$`));
      }
      expect(all.headers['x-total']).toBe('3');

      const first = await ctx.http.get('/api/v4/user/keys').query({ page: 1, per_page: 2 }).set('PRIVATE-TOKEN', lister.token);
      expect(first.body.map((key: { id: number }) => key.id)).toEqual(ids.slice(0, 2));
      expect(first.headers).toMatchObject({ 'x-total': '3', 'x-total-pages': '2', 'x-page': '1', 'x-per-page': '2', 'x-next-page': '2', 'x-prev-page': '' });
      const second = await ctx.http.get('/api/v4/user/keys').query({ page: 2, per_page: 2 }).set('PRIVATE-TOKEN', lister.token);
      expect(second.body.map((key: { id: number }) => key.id)).toEqual(ids.slice(2));
      expect(second.headers).toMatchObject({ 'x-page': '2', 'x-next-page': '', 'x-prev-page': '1' });
    });

    it('GET /user/keys/:key_id: another user\'s key is 404 Key, even for an admin; a non-numeric id is 400', async () => {
      const own = await added(alice);
      const theirs = await showOwn(bob.token, own.id);
      expect(theirs.status).toBe(404);
      expect(theirs.body).toEqual(KEY_NOT_FOUND);
      const admin = await showOwn(ctx.rootToken, own.id);
      expect(admin.status).toBe(404);
      expect(admin.body).toEqual(KEY_NOT_FOUND);
      const missing = await showOwn(alice.token, 987654321);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(KEY_NOT_FOUND);
      const word = await showOwn(alice.token, 'abc');
      expect(word.status).toBe(400);
      expect(word.body).toEqual({ error: 'key_id is invalid' });
    });

    it('DELETE /user/keys/:key_id: 404 for another user\'s key, 412 when unmodified since 2000, then 204 and the key is gone', async () => {
      const own = await added(alice);
      const theirs = await deleteOwn(bob.token, own.id);
      expect(theirs.status).toBe(404);
      expect(theirs.body).toEqual(KEY_NOT_FOUND);
      const stale = await deleteOwn(alice.token, own.id).set('If-Unmodified-Since', 'Sat, 01 Jan 2000 00:00:00 GMT');
      expect(stale.status).toBe(412);
      expect(stale.body).toEqual({ message: '412 Precondition Failed' });
      expect((await showOwn(alice.token, own.id)).status).toBe(200);

      const done = await deleteOwn(alice.token, own.id);
      expect(done.status).toBe(204);
      expect(done.text).toBe('');
      const after = await showOwn(alice.token, own.id);
      expect(after.status).toBe(404);
      expect(after.body).toEqual(KEY_NOT_FOUND);
      expect(await stored(own.id)).toBeUndefined();
      const again = await deleteOwn(alice.token, own.id);
      expect(again.status).toBe(404);
      expect(again.body).toEqual(KEY_NOT_FOUND);
    });
  });

  describe('/users/:id/keys', () => {
    let carol: Owner;
    let carolKey: { id: number; key: string };

    beforeAll(async () => {
      carol = await owner('Carol Public');
      carolKey = await added(carol);
    });

    it('GET /users/:id_or_username/keys: no auth needed; id or username in any case; 404 User', async () => {
      for (const ref of [String(carol.id), carol.username, carol.username.toUpperCase()]) {
        const res = await ctx.http.get(`/api/v4/users/${ref}/keys`);
        expect(res.status).toBe(200);
        expect(res.body.map((key: { id: number }) => key.id)).toEqual([carolKey.id]);
        expect(res.body[0].key).toBe(carolKey.key);
        expect(res.headers['x-total']).toBe('1');
      }
      for (const ref of ['987654321', 'no-such-user-here']) {
        const res = await ctx.http.get(`/api/v4/users/${ref}/keys`);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(USER_NOT_FOUND);
      }
    });

    it('GET /users/:id/keys/:key_id: no auth needed; 404 User; another user\'s key is 404 Key', async () => {
      const res = await ctx.http.get(`/api/v4/users/${carol.id}/keys/${carolKey.id}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(ENTITY_KEYS);
      expect(res.body).toMatchObject({ id: carolKey.id, key: carolKey.key });
      const noUser = await ctx.http.get(`/api/v4/users/987654321/keys/${carolKey.id}`);
      expect(noUser.status).toBe(404);
      expect(noUser.body).toEqual(USER_NOT_FOUND);
      const wrongUser = await ctx.http.get(`/api/v4/users/${bob.id}/keys/${carolKey.id}`);
      expect(wrongUser.status).toBe(404);
      expect(wrongUser.body).toEqual(KEY_NOT_FOUND);
      const noKey = await ctx.http.get(`/api/v4/users/${carol.id}/keys/987654321`);
      expect(noKey.status).toBe(404);
      expect(noKey.body).toEqual(KEY_NOT_FOUND);
    });

    it('POST /users/:id/keys: 401, 400 before the admin check, 403, 404 User, then 201 published under the target\'s name', async () => {
      const key = freshEd25519('admin-added');
      const anonymous = await addFor(carol.id, { title: 't', key: key.text });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ message: '401 Unauthorized' });
      const empty = await addFor(carol.id, {}, alice.token);
      expect(empty.status).toBe(400);
      expect(empty.body).toEqual({ error: 'key is missing, title is missing' });
      const forbidden = await addFor(carol.id, { title: 't', key: key.text }, alice.token);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toEqual({ message: '403 Forbidden' });
      const noUser = await addFor(987654321, { title: 't', key: key.text }, ctx.rootToken);
      expect(noUser.status).toBe(404);
      expect(noUser.body).toEqual(USER_NOT_FOUND);

      const created = await addFor(carol.id, { title: 'by admin', key: key.text, usage_type: 'signing' }, ctx.rootToken);
      expect(created.status).toBe(201);
      expect(Object.keys(created.body).sort()).toEqual(ENTITY_KEYS);
      expect(created.body).toMatchObject({ title: 'by admin', usage_type: 'signing', key: published(key, carol) });
      expect((await stored(created.body.id))!.user_id).toBe(String(carol.id));
      const list = await ctx.http.get(`/api/v4/users/${carol.id}/keys`);
      expect(list.body.map((row: { id: number }) => row.id)).toEqual([carolKey.id, created.body.id]);
    });

    it('DELETE /users/:id/keys/:key_id: 401, 403, 404 User, 404 Key, then 204', async () => {
      const target = await added(carol);
      const path = (userId: number, keyId: number) => `/api/v4/users/${userId}/keys/${keyId}`;
      const anonymous = await ctx.http.delete(path(carol.id, target.id));
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ message: '401 Unauthorized' });
      const forbidden = await ctx.http.delete(path(carol.id, target.id)).set('PRIVATE-TOKEN', carol.token);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toEqual({ message: '403 Forbidden' });
      const noUser = await ctx.http.delete(path(987654321, target.id)).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(noUser.status).toBe(404);
      expect(noUser.body).toEqual(USER_NOT_FOUND);
      const wrongUser = await ctx.http.delete(path(bob.id, target.id)).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(wrongUser.status).toBe(404);
      expect(wrongUser.body).toEqual(KEY_NOT_FOUND);
      expect((await ctx.http.get(path(carol.id, target.id))).status).toBe(200);

      const done = await ctx.http.delete(path(carol.id, target.id)).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(done.status).toBe(204);
      expect(done.text).toBe('');
      const gone = await ctx.http.get(path(carol.id, target.id));
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual(KEY_NOT_FOUND);
    });

    it('deleting a user removes their keys, and frees them for someone else', async () => {
      const leaving = await owner('Leaving Soon');
      const key = freshEd25519();
      await added(leaving, key);
      const deleted = await ctx.http.delete(`/api/v4/users/${leaving.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(deleted.status).toBe(204);
      const listed = await eventually(
        async () => {
          const res = await ctx.http.get(`/api/v4/users/${leaving.id}/keys`);
          return res.status === 404 ? res : undefined;
        },
        15_000,
        'the deleted user\'s keys to be gone',
      );
      expect(listed.body).toEqual(USER_NOT_FOUND);
      await eventually(
        async () => ((await ctx.db.query('SELECT 1 FROM credentials.ssh_keys WHERE user_id = $1', [leaving.id])).length === 0 ? true : undefined),
        15_000,
        'the deleted user\'s ssh_keys rows',
      );
      const reused = await addOwn(bob.token, { title: unique('reused'), key: key.text });
      expect(reused.status).toBe(201);
      expect(reused.body.key).toBe(published(key, bob));
    });
  });

  describe('audit', () => {
    it('an added key leaves an audit row naming its title, never its blob', async () => {
      await ctx.startWorker();
      const auditee = await owner('Audit Keyholder');
      const key = freshEd25519();
      const title = unique('audited-key');
      await added(auditee, key, { title });
      const row = await eventually(
        async () => {
          const res = await ctx.http.get('/api/v4/audit_events').query({ entity_type: 'User', entity_id: auditee.id, per_page: 100 }).set('PRIVATE-TOKEN', ctx.rootToken);
          expect(res.status).toBe(200);
          return (res.body as Array<{ entity_id: number; event_name: string; details: unknown }>).find((event) => JSON.stringify(event.details).includes(title));
        },
        15_000,
        'the add_ssh_key audit row',
      );
      expect(row.entity_id).toBe(auditee.id);
      expect(row.event_name).toBe('add_ssh_key');
      expect(JSON.stringify(row)).not.toContain(key.blob);
    });
  });
});

describe('SSH keys under SSH_KEY_RESTRICTIONS rsa=2048', () => {
  let ctx: TestContext;
  let user: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('ssh-keys-restricted', { sshKeyRestrictions: { rsa: 2048, dsa: -1, ecdsa: 0, ed25519: 0, ecdsa_sk: 0, ed25519_sk: 0 } });
    user = await createUserWithToken(ctx, { name: 'Strict Owner' });
  });
  afterAll(async () => ctx?.close());

  it('refuses RSA 1024 and accepts RSA 2048', async () => {
    const post = (key: GeneratedSshKey) => ctx.http.post('/api/v4/user/keys').set('PRIVATE-TOKEN', user.token).send({ title: unique('rsa'), key: key.text });
    const small = await post(sshKeygen('rsa', 1024));
    expect(small.status).toBe(400);
    expect(small.body.message.key).toContain('must be at least 2048 bits');
    const key = sshKeygen('rsa', 2048);
    const ok = await post(key);
    expect(ok.status).toBe(201);
    expect(ok.body.key).toBe(`ssh-rsa ${key.blob} Strict Owner (${new URL(ctx.config.externalUrl).host})`);
  });
});
