import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

const ENTITY_KEYS = ['id', 'name', 'revoked', 'created_at', 'description', 'scopes', 'user_id', 'last_used_at', 'active', 'expires_at'];
const WITH_TOKEN_KEYS = [...ENTITY_KEYS, 'token'];
const REVOKED = { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' };
const UNAUTHORIZED = { message: '401 Unauthorized' };
const NOT_FOUND = { message: '404 Not Found' };
/** A UTC calendar day relative to now, `YYYY-MM-DD`. */
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const sortedKeys = (body: object) => Object.keys(body).sort();

interface Token {
  id: number;
  name: string;
  revoked: boolean;
  created_at: string;
  description: string | null;
  scopes: string[];
  user_id: number;
  active: boolean;
  expires_at: string | null;
  token?: string;
}

describe('personal access token management (/personal_access_tokens, /user/personal_access_tokens)', () => {
  let ctx: TestContext;
  let alice: CreatedUser;
  let bob: CreatedUser;
  /** Every plain token this file saw, to check none of them is stored. */
  const secrets: string[] = [];
  const keep = <T extends { token?: string }>(body: T): T => {
    if (body.token) secrets.push(body.token);
    return body;
  };

  /** A token for `userId`, made by root. */
  const issue = async (userId: number, body: Record<string, unknown> = {}): Promise<Token & { token: string }> => {
    const res = await ctx.http.post(`/api/v4/users/${userId}/personal_access_tokens`).set('PRIVATE-TOKEN', ctx.rootToken).send({ name: 'issued', scopes: ['api'], ...body });
    if (res.status !== 201) throw new Error(`issuing a token answered ${res.status} ${JSON.stringify(res.body)}`);
    return keep(res.body);
  };
  const impersonation = async (userId: number, name = 'imp'): Promise<Token & { token: string }> => {
    const res = await ctx.http.post(`/api/v4/users/${userId}/impersonation_tokens`).set('PRIVATE-TOKEN', ctx.rootToken).send({ name, scopes: ['api'], expires_at: utcDay(30) });
    if (res.status !== 201) throw new Error(`issuing an impersonation token answered ${res.status} ${JSON.stringify(res.body)}`);
    return keep(res.body);
  };
  const list = (query: Record<string, string | number>, token: string) => ctx.http.get('/api/v4/personal_access_tokens').query(query).set('PRIVATE-TOKEN', token);
  const ids = (body: Token[]) => body.map((token) => token.id);

  beforeAll(async () => {
    ctx = await startTestApp('tokens-manage');
    alice = await createUserWithToken(ctx, {}, ['api']);
    bob = await createUserWithToken(ctx, {}, ['api']);
    secrets.push(alice.token, bob.token);
  });
  afterAll(async () => ctx?.close());

  describe('POST /user/personal_access_tokens (a token for yourself)', () => {
    const own = (token: string | null, body: Record<string, unknown>) => {
      const req = ctx.http.post('/api/v4/user/personal_access_tokens');
      return (token ? req.set('PRIVATE-TOKEN', token) : req).send(body);
    };

    it('201 with the token, for the caller, with k8s_proxy or self_rotate', async () => {
      const res = await own(alice.token, { name: 'mine', scopes: ['k8s_proxy'], description: 'kube' });
      expect(res.status).toBe(201);
      keep(res.body);
      expect(sortedKeys(res.body)).toEqual([...WITH_TOKEN_KEYS].sort());
      expect(res.body).toMatchObject({ name: 'mine', scopes: ['k8s_proxy'], description: 'kube', user_id: alice.id, revoked: false, active: true, last_used_at: null });
      expect(res.body.token).toMatch(/^glpat-/);
      const rotate = await own(alice.token, { name: 'rot', scopes: ['self_rotate'] });
      expect(rotate.status).toBe(201);
      keep(rotate.body);
      expect(rotate.body).toMatchObject({ name: 'rot', scopes: ['self_rotate'], user_id: alice.id });
    });

    it('any other scope: 400 "scopes does not have a valid value"', async () => {
      for (const scopes of [['api'], ['k8s_proxy', 'read_user']]) {
        const res = await own(alice.token, { name: 'x', scopes });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'scopes does not have a valid value' });
      }
    });

    it('name missing: 400 "name is missing"; scopes []: 422', async () => {
      const noName = await own(alice.token, { scopes: ['k8s_proxy'] });
      expect(noName.status).toBe(400);
      expect(noName.body).toEqual({ error: 'name is missing' });
      const empty = await own(alice.token, { name: 'x', scopes: [] });
      expect(empty.status).toBe(422);
      expect(empty.body).toEqual({ message: "Scopes can't be blank" });
    });

    it('a read_api token: 403 insufficient_scope; anonymous: 401', async () => {
      const readApi = await issue(alice.id, { name: 'ro', scopes: ['read_api'] });
      const refused = await own(readApi.token, { name: 'x', scopes: ['k8s_proxy'] });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'insufficient_scope' });
      const anonymous = await own(null, { name: 'x', scopes: ['k8s_proxy'] });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(UNAUTHORIZED);
    });
  });

  describe('GET /personal_access_tokens', () => {
    let carol: CreatedUser;
    let carolOwn: Token;
    let alpha: Token;
    let beta: Token;
    let gamma: Token;
    let imp: Token;

    beforeAll(async () => {
      carol = await createUserWithToken(ctx, {}, ['api']);
      secrets.push(carol.token);
      const me = await list({}, carol.token);
      carolOwn = (me.body as Token[])[0];
      alpha = await issue(carol.id, { name: 'Alpha Deploy', expires_at: utcDay(60) });
      beta = await issue(carol.id, { name: 'beta-ci', expires_at: utcDay(90) });
      gamma = await issue(carol.id, { name: 'gamma', expires_at: utcDay(-1) });
      imp = await impersonation(carol.id);
      const revoked = await ctx.http.delete(`/api/v4/personal_access_tokens/${beta.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(revoked.status).toBe(204);
    });

    it('a non-admin sees exactly their own non-impersonation tokens, with pagination headers', async () => {
      const res = await list({}, carol.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([carolOwn.id, alpha.id, beta.id, gamma.id]);
      for (const token of res.body as Token[]) {
        expect(sortedKeys(token)).toEqual([...ENTITY_KEYS].sort());
        expect(token.user_id).toBe(carol.id);
      }
      expect(res.body[1]).toEqual({ ...alpha, last_used_at: null, token: undefined });
      expect(res.headers['x-total']).toBe('4');
      expect(res.headers['x-page']).toBe('1');
    });

    it('an admin sees everyone\'s, impersonation tokens included; user_id narrows it', async () => {
      const all = await list({ per_page: 100 }, ctx.rootToken);
      expect(all.status).toBe(200);
      expect(ids(all.body)).toEqual(expect.arrayContaining([imp.id, alpha.id, carolOwn.id]));
      expect((all.body as Token[]).some((token) => token.user_id === alice.id)).toBe(true);
      const carols = await list({ user_id: carol.id }, ctx.rootToken);
      expect(carols.status).toBe(200);
      expect(ids(carols.body)).toEqual([carolOwn.id, alpha.id, beta.id, gamma.id, imp.id]);
      expect(carols.headers['x-total']).toBe('5');
    });

    it('user_id: another user\'s for a non-admin is 401, their own is fine; a missing one for an admin is 404', async () => {
      const other = await list({ user_id: alice.id }, carol.token);
      expect(other.status).toBe(401);
      expect(other.body).toEqual(UNAUTHORIZED);
      const mine = await list({ user_id: carol.id }, carol.token);
      expect(mine.status).toBe(200);
      expect(ids(mine.body)).toEqual([carolOwn.id, alpha.id, beta.id, gamma.id]);
      const missing = await list({ user_id: 999_999 }, ctx.rootToken);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(NOT_FOUND);
    });

    it('revoked=true / revoked=false', async () => {
      const yes = await list({ revoked: 'true' }, carol.token);
      expect(yes.status).toBe(200);
      expect(ids(yes.body)).toEqual([beta.id]);
      const no = await list({ revoked: 'false' }, carol.token);
      expect(ids(no.body)).toEqual([carolOwn.id, alpha.id, gamma.id]);
    });

    it('state=active / state=inactive (expired and revoked are inactive)', async () => {
      const active = await list({ state: 'active' }, carol.token);
      expect(active.status).toBe(200);
      expect(ids(active.body)).toEqual([carolOwn.id, alpha.id]);
      const inactive = await list({ state: 'inactive' }, carol.token);
      expect(ids(inactive.body)).toEqual([beta.id, gamma.id]);
      expect((inactive.body as Token[]).every((token) => token.active === false)).toBe(true);
    });

    it('created_before / created_after', async () => {
      const at = new Date(alpha.created_at).getTime();
      const iso = (ms: number) => new Date(ms).toISOString();
      const beforeLater = await list({ created_before: iso(at + 1000) }, carol.token);
      expect(beforeLater.status).toBe(200);
      expect(ids(beforeLater.body)).toContain(alpha.id);
      const beforeEarlier = await list({ created_before: iso(at - 1000) }, carol.token);
      expect(beforeEarlier.status).toBe(200);
      expect(ids(beforeEarlier.body)).not.toContain(alpha.id);
      const afterEarlier = await list({ created_after: iso(at - 1000) }, carol.token);
      expect(ids(afterEarlier.body)).toContain(alpha.id);
      const afterLater = await list({ created_after: iso(at + 1000) }, carol.token);
      expect(afterLater.status).toBe(200);
      expect(ids(afterLater.body)).not.toContain(alpha.id);
    });

    it('expires_before / expires_after', async () => {
      const before = await list({ expires_before: utcDay(61) }, carol.token);
      expect(before.status).toBe(200);
      expect(ids(before.body)).toContain(alpha.id);
      expect(ids(before.body)).not.toContain(beta.id);
      expect(ids((await list({ expires_before: utcDay(59) }, carol.token)).body)).not.toContain(alpha.id);
      const after = await list({ expires_after: utcDay(59) }, carol.token);
      expect(after.status).toBe(200);
      expect(ids(after.body)).toEqual(expect.arrayContaining([alpha.id, beta.id]));
      expect(ids(after.body)).not.toContain(gamma.id);
      expect(ids((await list({ expires_after: utcDay(61) }, carol.token)).body)).not.toContain(alpha.id);
    });

    it('search matches a name substring, case-insensitively', async () => {
      const res = await list({ search: 'DEPLOY' }, carol.token);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([alpha.id]);
      const none = await list({ search: 'zzz-no-such' }, carol.token);
      expect(none.status).toBe(200);
      expect(none.body).toEqual([]);
    });

    it('sort=name_desc orders by name', async () => {
      const res = await list({ sort: 'name_desc' }, carol.token);
      expect(res.status).toBe(200);
      expect((res.body as Token[]).map((token) => token.name)).toEqual(['test', 'gamma', 'beta-ci', 'Alpha Deploy']);
    });

    it('bad filters: 400 with Grape\'s messages', async () => {
      const state = await list({ state: 'bogus' }, carol.token);
      expect(state.status).toBe(400);
      expect(state.body).toEqual({ error: 'state does not have a valid value' });
      const revoked = await list({ revoked: 'maybe' }, carol.token);
      expect(revoked.status).toBe(400);
      expect(revoked.body).toEqual({ error: 'revoked is invalid' });
      const created = await list({ created_after: 'notadate' }, carol.token);
      expect(created.status).toBe(400);
      expect(created.body).toEqual({ error: 'created_after is invalid' });
    });
  });

  describe('/personal_access_tokens/self', () => {
    it('GET with a read_user, read_api or api token answers that token', async () => {
      for (const scope of ['read_user', 'read_api', 'api']) {
        const made = await issue(bob.id, { name: `self-${scope}`, scopes: [scope] });
        const res = await ctx.http.get('/api/v4/personal_access_tokens/self').set('PRIVATE-TOKEN', made.token);
        expect(res.status).toBe(200);
        expect(sortedKeys(res.body)).toEqual([...ENTITY_KEYS].sort());
        expect(res.body).toMatchObject({ id: made.id, name: `self-${scope}`, scopes: [scope], user_id: bob.id, revoked: false, active: true });
      }
    });

    it('DELETE revokes the token making the request: 204, then 401 "Token was revoked"', async () => {
      const made = await issue(bob.id, { name: 'self-revoke', scopes: ['read_user'] });
      const res = await ctx.http.delete('/api/v4/personal_access_tokens/self').set('PRIVATE-TOKEN', made.token);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const after = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', made.token);
      expect(after.status).toBe(401);
      expect(after.body).toEqual(REVOKED);
    });
  });

  describe('GET /personal_access_tokens/:id', () => {
    it('own: 200; another user\'s or a missing id: 401 for a non-admin', async () => {
      const mine = await issue(alice.id, { name: 'shown', description: 'd', expires_at: utcDay(10) });
      const res = await ctx.http.get(`/api/v4/personal_access_tokens/${mine.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...mine, token: undefined, last_used_at: null });
      expect(sortedKeys(res.body)).toEqual([...ENTITY_KEYS].sort());
      const others = await ctx.http.get(`/api/v4/personal_access_tokens/${mine.id}`).set('PRIVATE-TOKEN', bob.token);
      expect(others.status).toBe(401);
      expect(others.body).toEqual(UNAUTHORIZED);
      const missing = await ctx.http.get('/api/v4/personal_access_tokens/999999').set('PRIVATE-TOKEN', bob.token);
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual(UNAUTHORIZED);
    });

    it('an admin: 200 for anyone\'s, 404 for a missing id; a non-numeric id is 404', async () => {
      const theirs = await issue(bob.id, { name: 'admin-view' });
      const res = await ctx.http.get(`/api/v4/personal_access_tokens/${theirs.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: theirs.id, name: 'admin-view', user_id: bob.id });
      const missing = await ctx.http.get('/api/v4/personal_access_tokens/999999').set('PRIVATE-TOKEN', ctx.rootToken);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(NOT_FOUND);
      const word = await ctx.http.get('/api/v4/personal_access_tokens/abc').set('PRIVATE-TOKEN', ctx.rootToken);
      expect(word.status).toBe(404);
      expect(word.body).toEqual({ error: '404 Not Found' });
    });
  });

  describe('DELETE /personal_access_tokens/:id', () => {
    it('own: 204, the token stops working, and revoking again is 204', async () => {
      const mine = await issue(alice.id, { name: 'to-revoke' });
      expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', mine.token)).status).toBe(200);
      const res = await ctx.http.delete(`/api/v4/personal_access_tokens/${mine.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(204);
      const after = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', mine.token);
      expect(after.status).toBe(401);
      expect(after.body).toEqual(REVOKED);
      const again = await ctx.http.delete(`/api/v4/personal_access_tokens/${mine.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(again.status).toBe(204);
    });

    it('another user\'s for a non-admin: 400 "400 Bad request" and the token keeps working; missing: 404', async () => {
      const theirs = await issue(bob.id, { name: 'not-yours' });
      const res = await ctx.http.delete(`/api/v4/personal_access_tokens/${theirs.id}`).set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: '400 Bad request' });
      expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', theirs.token)).status).toBe(200);
      const missing = await ctx.http.delete('/api/v4/personal_access_tokens/999999').set('PRIVATE-TOKEN', alice.token);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(NOT_FOUND);
    });

    it('an admin revokes anyone\'s: 204, then the row shows revoked', async () => {
      const theirs = await issue(bob.id, { name: 'admin-revokes' });
      const res = await ctx.http.delete(`/api/v4/personal_access_tokens/${theirs.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(res.status).toBe(204);
      const shown = await ctx.http.get(`/api/v4/personal_access_tokens/${theirs.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(shown.body).toMatchObject({ id: theirs.id, revoked: true, active: false });
      expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', theirs.token)).body).toEqual(REVOKED);
    });
  });

  describe('rotation', () => {
    const rotate = (id: number | string, token: string, body: Record<string, unknown> = {}) =>
      ctx.http.post(`/api/v4/personal_access_tokens/${id}/rotate`).set('PRIVATE-TOKEN', token).send(body);

    it('POST /:id/rotate: 200 with a new token (same name, scopes, description; the given expiry); the old one is revoked', async () => {
      const old = await issue(alice.id, { name: 'rotated', scopes: ['api', 'read_user'], description: 'to rotate' });
      const res = await rotate(old.id, alice.token, { expires_at: utcDay(20) });
      expect(res.status).toBe(200);
      keep(res.body);
      expect(sortedKeys(res.body)).toEqual([...WITH_TOKEN_KEYS].sort());
      expect(res.body).toMatchObject({ name: 'rotated', scopes: ['api', 'read_user'], description: 'to rotate', user_id: alice.id, expires_at: utcDay(20), revoked: false, active: true });
      expect(res.body.id).not.toBe(old.id);
      expect(res.body.token).not.toBe(old.token);
      const oldUse = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', old.token);
      expect(oldUse.status).toBe(401);
      expect(oldUse.body).toEqual(REVOKED);
      const newUse = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', res.body.token);
      expect(newUse.status).toBe(200);
      expect(newUse.body.id).toBe(alice.id);
      const oldRow = await ctx.http.get(`/api/v4/personal_access_tokens/${old.id}`).set('PRIVATE-TOKEN', ctx.rootToken);
      expect(oldRow.status).toBe(200);
      expect(oldRow.body).toMatchObject({ id: old.id, revoked: true, active: false });
    });

    it('is one append: the revoke and the new token share a transaction', async () => {
      const old = await issue(bob.id, { name: 'one-append' });
      const res = await rotate(old.id, ctx.rootToken);
      expect(res.status).toBe(200);
      keep(res.body);
      const rows = await ctx.db.query<{ event_type: string; transaction_id: string }>(
        'SELECT event_type, transaction_id::text AS transaction_id FROM es_events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 2',
        [`credentials.user-${bob.id}`],
      );
      expect(rows.map((row) => row.event_type)).toEqual(['credentials.personal_access_token_created', 'credentials.personal_access_token_revoked']);
      expect(rows[0].transaction_id).toBe(rows[1].transaction_id);
    });

    it('without expires_at the new token expires in 7 days', async () => {
      const old = await issue(alice.id, { name: 'week' });
      const before = utcDay(7);
      const res = await rotate(old.id, alice.token);
      const after = utcDay(7);
      expect(res.status).toBe(200);
      keep(res.body);
      expect([before, after]).toContain(res.body.expires_at);
    });

    it('a revoked token: 400 "token already revoked"; expires_at beyond 365 days: 400 "Expires at must be before …"', async () => {
      const old = await issue(alice.id, { name: 'twice' });
      expect((await rotate(old.id, alice.token)).status).toBe(200);
      const again = await rotate(old.id, alice.token);
      expect(again.status).toBe(400);
      expect(again.body).toEqual({ message: '400 Bad request - token already revoked' });
      const live = await issue(alice.id, { name: 'too-far' });
      const far = await rotate(live.id, alice.token, { expires_at: utcDay(400) });
      expect(far.status).toBe(400);
      expect(Object.keys(far.body)).toEqual(['message']);
      expect(far.body.message).toMatch(/^400 Bad request - Expires at must be before /);
      expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', live.token)).status).toBe(200);
    });

    it('another user\'s token for a non-admin: 401; a missing id for an admin: 404', async () => {
      const theirs = await issue(bob.id, { name: 'not-rotatable' });
      const res = await rotate(theirs.id, alice.token);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
      expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', theirs.token)).status).toBe(200);
      const missing = await rotate(999_999, ctx.rootToken);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(NOT_FOUND);
    });

    it('POST /self/rotate: an api or self_rotate token replaces itself', async () => {
      for (const scope of ['api', 'self_rotate']) {
        const old = await issue(bob.id, { name: `self-rotate-${scope}`, scopes: [scope] });
        const res = await ctx.http.post('/api/v4/personal_access_tokens/self/rotate').set('PRIVATE-TOKEN', old.token).send({ expires_at: utcDay(3) });
        expect(res.status).toBe(200);
        keep(res.body);
        expect(res.body).toMatchObject({ name: `self-rotate-${scope}`, scopes: [scope], user_id: bob.id, expires_at: utcDay(3) });
        expect(res.body.id).not.toBe(old.id);
        const oldUse = await ctx.http.get('/api/v4/personal_access_tokens/self').set('PRIVATE-TOKEN', old.token);
        expect(oldUse.status).toBe(401);
        expect(oldUse.body).toEqual(REVOKED);
        const newSelf = await ctx.http.get('/api/v4/personal_access_tokens/self').set('PRIVATE-TOKEN', res.body.token);
        expect(newSelf.status).toBe(200);
        expect(newSelf.body.id).toBe(res.body.id);
      }
    });

    it('POST /self/rotate: a read_api token is 403 insufficient_scope; an impersonation token is 405', async () => {
      const readApi = await issue(bob.id, { name: 'ro-rotate', scopes: ['read_api'] });
      const refused = await ctx.http.post('/api/v4/personal_access_tokens/self/rotate').set('PRIVATE-TOKEN', readApi.token);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'insufficient_scope' });
      const imp = await impersonation(bob.id, 'imp-rotate');
      const notAllowed = await ctx.http.post('/api/v4/personal_access_tokens/self/rotate').set('PRIVATE-TOKEN', imp.token);
      expect(notAllowed.status).toBe(405);
      expect(notAllowed.body).toEqual({ message: '405 Method Not Allowed' });
      expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', imp.token)).status).toBe(200);
    });
  });

  it('no plain token is stored: not in the event log, not in the token table', async () => {
    expect(secrets.length).toBeGreaterThan(20);
    const events = (await ctx.db.query<{ text: string }>('SELECT data::text AS text FROM es_events')).map((row) => row.text).join('\n');
    const rows = (await ctx.db.query<{ text: string }>('SELECT row_to_json(t)::text AS text FROM credentials.personal_access_tokens t')).map((row) => row.text).join('\n');
    expect(events.length).toBeGreaterThan(0);
    expect(rows.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(events).not.toContain(secret);
      expect(rows).not.toContain(secret);
    }
  });
});
