import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newSshPublicKey } from '../../support/ssh-keys.js';
import { createUserWithToken, eventually, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

const ENTITY_KEYS = ['id', 'name', 'revoked', 'created_at', 'description', 'scopes', 'user_id', 'last_used_at', 'active', 'expires_at', 'impersonation'];
const REVOKED = { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' };
const FORBIDDEN = { message: '403 Forbidden' };
const USER_NOT_FOUND = { message: '404 User Not Found' };
const TOKEN_NOT_FOUND = { message: '404 Impersonation Token Not Found' };
/** A UTC calendar day relative to now, `YYYY-MM-DD`. */
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const sortedKeys = (body: object) => Object.keys(body).sort();

interface Token {
  id: number;
  name: string;
  revoked: boolean;
  active: boolean;
  user_id: number;
  impersonation: boolean;
  token?: string;
}

describe('impersonation tokens (/users/:user_id/impersonation_tokens)', () => {
  let ctx: TestContext;
  let adminId: number;
  let target: CreatedUser;
  let other: CreatedUser;
  let regular: CreatedUser;
  /** Every plain token this file saw, to check none of them is stored. */
  const secrets: string[] = [];
  const path = (userId: number | string) => `/api/v4/users/${userId}/impersonation_tokens`;
  const valid = (extra: Record<string, unknown> = {}) => ({ name: 'imp', scopes: ['api'], expires_at: utcDay(30), ...extra });
  const create = (userId: number, body: Record<string, unknown>, token = ctx.rootToken) => ctx.http.post(path(userId)).set('PRIVATE-TOKEN', token).send(body);
  /** An impersonation token for `userId`, made by root. */
  const impersonate = async (userId: number, extra: Record<string, unknown> = {}): Promise<Token & { token: string }> => {
    const res = await create(userId, valid(extra));
    if (res.status !== 201) throw new Error(`impersonation token answered ${res.status} ${JSON.stringify(res.body)}`);
    secrets.push(res.body.token);
    return res.body;
  };
  /** A regular personal access token for `userId`, made by root. */
  const personal = async (userId: number, name = 'personal'): Promise<Token & { token: string }> => {
    const res = await ctx.http.post(`/api/v4/users/${userId}/personal_access_tokens`).set('PRIVATE-TOKEN', ctx.rootToken).send({ name, scopes: ['api'] });
    if (res.status !== 201) throw new Error(`personal token answered ${res.status} ${JSON.stringify(res.body)}`);
    secrets.push(res.body.token);
    return res.body;
  };

  beforeAll(async () => {
    ctx = await startTestApp('tokens-impersonation');
    const me = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', ctx.rootToken);
    adminId = me.body.id;
    target = await createUserWithToken(ctx, {}, ['api']);
    other = await createUserWithToken(ctx, {}, ['api']);
    regular = await createUserWithToken(ctx, {}, ['api']);
    secrets.push(target.token, other.token, regular.token);
  });
  afterAll(async () => ctx?.close());

  describe('who may call them', () => {
    let existingId: number;
    beforeAll(async () => {
      existingId = (await impersonate(target.id, { name: 'guarded' })).id;
    });
    const routes = () => [
      { method: 'get' as const, url: (userId: number) => path(userId) },
      { method: 'post' as const, url: (userId: number) => path(userId), body: valid() },
      { method: 'get' as const, url: (userId: number) => `${path(userId)}/${existingId}` },
      { method: 'delete' as const, url: (userId: number) => `${path(userId)}/${existingId}` },
    ];
    const call = (route: ReturnType<typeof routes>[number], userId: number, token: string | null) => {
      let req = ctx.http[route.method](route.url(userId));
      if (token) req = req.set('PRIVATE-TOKEN', token);
      return route.body ? req.send(route.body) : req;
    };

    it('a non-admin: 403 "403 Forbidden" on every route, even for a missing user', async () => {
      for (const route of routes()) {
        for (const userId of [target.id, regular.id, 999_999]) {
          const res = await call(route, userId, regular.token);
          expect({ route: `${route.method} ${userId}`, status: res.status, body: res.body }).toEqual({ route: `${route.method} ${userId}`, status: 403, body: FORBIDDEN });
        }
      }
      const still = await ctx.http.get(`${path(target.id)}/${existingId}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(still.body).toMatchObject({ id: existingId, revoked: false });
    });

    it('anonymous: 401 on every route', async () => {
      for (const route of routes()) {
        const res = await call(route, target.id, null);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ message: '401 Unauthorized' });
      }
    });

    it('an admin, for a missing user: 404 "404 User Not Found" on every route', async () => {
      for (const route of routes()) {
        const res = await call(route, 999_999, ctx.rootToken);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(USER_NOT_FOUND);
      }
    });
  });

  describe('POST /users/:user_id/impersonation_tokens', () => {
    it('201 with the token, impersonation true, active true', async () => {
      const res = await create(target.id, valid({ name: 'made', description: 'support case', scopes: ['api', 'read_user'] }));
      expect(res.status).toBe(201);
      secrets.push(res.body.token);
      expect(sortedKeys(res.body)).toEqual([...ENTITY_KEYS, 'token'].sort());
      expect(res.body).toEqual({
        id: expect.any(Number),
        name: 'made',
        revoked: false,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        description: 'support case',
        scopes: ['api', 'read_user'],
        user_id: target.id,
        last_used_at: null,
        active: true,
        expires_at: utcDay(30),
        impersonation: true,
        token: expect.stringMatching(/^glpat-/),
      });
    });

    it('a past expires_at: 201 with active false', async () => {
      const res = await create(target.id, valid({ name: 'old', expires_at: '2016-12-28' }));
      expect(res.status).toBe(201);
      secrets.push(res.body.token);
      expect(res.body).toMatchObject({ name: 'old', expires_at: '2016-12-28', active: false, revoked: false, impersonation: true });
    });

    it('model errors are a 400 hash by attribute', async () => {
      const cases: Array<[Record<string, unknown>, unknown]> = [
        [{ name: 'x', expires_at: utcDay(30) }, { message: { scopes: ["can't be blank"] } }],
        [valid({ scopes: ['bogus'] }), { message: { scopes: ['can only contain available scopes'] } }],
        [{ name: 'x', scopes: ['api'] }, { message: { expires_at: ["can't be blank"] } }],
        [valid({ description: 'd'.repeat(256) }), { message: { description: ['is too long (maximum is 255 characters)'] } }],
      ];
      for (const [body, expected] of cases) {
        const res = await create(target.id, body);
        expect({ body, status: res.status, answer: res.body }).toEqual({ body, status: 400, answer: expected });
      }
      const far = await create(target.id, valid({ expires_at: utcDay(400) }));
      expect(far.status).toBe(400);
      expect(Object.keys(far.body.message)).toEqual(['expires_at']);
      expect(far.body.message.expires_at).toHaveLength(1);
      expect(far.body.message.expires_at[0]).toMatch(/^must be before \d{4}-\d{2}-\d{2}$/);
    });

    it('name missing: 400 "name is missing"', async () => {
      const res = await create(target.id, { scopes: ['api'], expires_at: utcDay(30) });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'name is missing' });
    });
  });

  describe('GET list, GET one, DELETE', () => {
    let listed: CreatedUser;
    let live: Token;
    let revoked: Token;
    let pat: Token;

    beforeAll(async () => {
      listed = await createUserWithToken(ctx, {}, ['api']);
      secrets.push(listed.token);
      await personal(listed.id, 'regular-one');
      live = await impersonate(listed.id, { name: 'live' });
      pat = await personal(listed.id, 'regular-two');
      revoked = await impersonate(listed.id, { name: 'revoked' });
      const res = await ctx.http.delete(`${path(listed.id)}/${revoked.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(204);
    });
    const list = (query: Record<string, string> = {}) => ctx.http.get(path(listed.id)).query(query).set('PRIVATE-TOKEN', ctx.rootToken);
    const ids = (body: Token[]) => body.map((token) => token.id);

    it('lists only impersonation tokens, all by default, with pagination headers', async () => {
      const res = await list();
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([live.id, revoked.id]);
      for (const token of res.body as Token[]) {
        expect(sortedKeys(token)).toEqual([...ENTITY_KEYS].sort());
        expect(token).toMatchObject({ impersonation: true, user_id: listed.id });
      }
      expect(res.headers['x-total']).toBe('2');
      expect(res.headers['x-page']).toBe('1');
      expect(ids((await list({ state: 'all' })).body)).toEqual([live.id, revoked.id]);
    });

    it('state=active / state=inactive; state=bogus is 400', async () => {
      const active = await list({ state: 'active' });
      expect(active.status).toBe(200);
      expect(ids(active.body)).toEqual([live.id]);
      const inactive = await list({ state: 'inactive' });
      expect(inactive.status).toBe(200);
      expect(ids(inactive.body)).toEqual([revoked.id]);
      expect(inactive.body[0]).toMatchObject({ revoked: true, active: false });
      const bogus = await list({ state: 'bogus' });
      expect(bogus.status).toBe(400);
      expect(bogus.body).toEqual({ error: 'state does not have a valid value' });
    });

    it('GET one: 200; a regular token\'s id or another user\'s impersonation token: 404 Impersonation Token Not Found', async () => {
      const res = await ctx.http.get(`${path(listed.id)}/${live.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...live, token: undefined, last_used_at: null });
      expect(sortedKeys(res.body)).toEqual([...ENTITY_KEYS].sort());
      const regularToken = await ctx.http.get(`${path(listed.id)}/${pat.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(regularToken.status).toBe(404);
      expect(regularToken.body).toEqual(TOKEN_NOT_FOUND);
      const elsewhere = await impersonate(other.id, { name: 'elsewhere' });
      const wrongUser = await ctx.http.get(`${path(listed.id)}/${elsewhere.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(wrongUser.status).toBe(404);
      expect(wrongUser.body).toEqual(TOKEN_NOT_FOUND);
      const missing = await ctx.http.get(`${path(listed.id)}/999999`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(TOKEN_NOT_FOUND);
    });

    it('DELETE: 204, the row stays revoked and the token stops working; again: 204', async () => {
      const doomed = await impersonate(listed.id, { name: 'doomed' });
      expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', doomed.token)).status).toBe(200);
      const res = await ctx.http.delete(`${path(listed.id)}/${doomed.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const shown = await ctx.http.get(`${path(listed.id)}/${doomed.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ id: doomed.id, name: 'doomed', revoked: true, active: false, impersonation: true });
      const use = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', doomed.token);
      expect(use.status).toBe(401);
      expect(use.body).toEqual(REVOKED);
      const again = await ctx.http.delete(`${path(listed.id)}/${doomed.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(again.status).toBe(204);
      const regularToken = await ctx.http.delete(`${path(listed.id)}/${pat.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(regularToken.status).toBe(404);
      expect(regularToken.body).toEqual(TOKEN_NOT_FOUND);
    });
  });

  describe('requests made with an impersonation token', () => {
    let subject: CreatedUser;
    let token: string;

    beforeAll(async () => {
      await ctx.startWorker();
      subject = await createUserWithToken(ctx, {}, ['api']);
      secrets.push(subject.token);
      token = (await impersonate(subject.id, { name: 'acting' })).token;
    });

    it('act as the user: GET /user answers the user, not the admin', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: subject.id, username: subject.username });
      expect(res.body.id).not.toBe(adminId);
    });

    it('record the admin: the event names the user as actor and the admin as impersonator, and so does the audit row', async () => {
      const added = await ctx.http.post('/api/v4/user/keys').set('PRIVATE-TOKEN', token).send({ title: 'impersonated', key: newSshPublicKey() });
      expect(added.status).toBe(201);
      const rows = await ctx.db.query<{ metadata: { actor_id: number; impersonator_id: number | null } }>(
        "SELECT metadata FROM es_events WHERE event_type = 'credentials.ssh_key_added' AND data->>'user_id' = $1",
        [String(subject.id)],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].metadata).toMatchObject({ actor_id: subject.id, impersonator_id: adminId });
      const audit = await eventually(
        async () => {
          const res = await ctx.http.get('/api/v4/audit_events').query({ entity_type: 'User', entity_id: subject.id }).set('PRIVATE-TOKEN', ctx.rootToken);
          return (res.body as Array<{ event_name: string; author_id: number; details: Record<string, unknown> }>).find((event) => event.event_name === 'add_ssh_key');
        },
        15_000,
        'the add_ssh_key audit row',
      );
      expect(audit.author_id).toBe(subject.id);
      expect(audit.details.impersonated_by_id).toBe(adminId);
    });

    it('a request made with the user\'s own token records no impersonator', async () => {
      const added = await ctx.http.post('/api/v4/user/keys').set('PRIVATE-TOKEN', subject.token).send({ title: 'own', key: newSshPublicKey() });
      expect(added.status).toBe(201);
      const rows = await ctx.db.query<{ metadata: { actor_id: number; impersonator_id: number | null } }>(
        "SELECT metadata FROM es_events WHERE event_type = 'credentials.ssh_key_added' AND data->>'user_id' = $1 ORDER BY global_position",
        [String(subject.id)],
      );
      expect(rows).toHaveLength(2);
      expect(rows[1].metadata).toMatchObject({ actor_id: subject.id, impersonator_id: null });
    });
  });

  it('no plain token is stored: not in the event log, not in the token table', async () => {
    expect(secrets.length).toBeGreaterThan(10);
    const events = (await ctx.db.query<{ text: string }>('SELECT data::text AS text FROM es_events')).map((row) => row.text).join('\n');
    const rows = (await ctx.db.query<{ text: string }>('SELECT row_to_json(t)::text AS text FROM credentials.personal_access_tokens t')).map((row) => row.text).join('\n');
    expect(events.length).toBeGreaterThan(0);
    expect(rows.length).toBeGreaterThan(0);
    const digests = new Set((await ctx.db.query<{ token_digest: string }>('SELECT token_digest FROM credentials.personal_access_tokens')).map((row) => row.token_digest));
    for (const secret of secrets) {
      expect(events).not.toContain(secret);
      expect(rows).not.toContain(secret);
      // Kept as its SHA-256 digest, which is what a request's token is looked up by.
      expect(digests.has(createHash('sha256').update(secret, 'utf8').digest('hex'))).toBe(true);
    }
  });
});
