import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUserWithToken, eventually, startTestApp, type CreatedUser, type TestContext } from '../../support/test-app.js';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

const BAD_TOKEN = { error: 'invalid_token', error_description: 'Bad Access Token.' };
const EXPIRED = { error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' };
const REVOKED = { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' };

/** GitLab expires a token at 00:00 UTC of its `expires_at` day, so "today" means today in UTC. */
const UTC_TODAY = "(now() AT TIME ZONE 'UTC')::date";

describe('token authentication (reference core 1.3, credentials 1.3 and 8.5)', () => {
  let ctx: TestContext;
  let alice: CreatedUser;

  beforeAll(async () => {
    ctx = await startTestApp('auth-tokens');
    alice = await createUserWithToken(ctx, {}, ['api']);
  });
  afterAll(async () => ctx?.close());

  describe('token sources', () => {
    it('accepts the PRIVATE-TOKEN header', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', alice.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: alice.id, username: alice.username });
    });

    it('accepts the private_token query parameter', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ private_token: alice.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: alice.id, username: alice.username });
    });

    it('accepts an OAuth-style Authorization: Bearer header', async () => {
      const res = await ctx.http.get('/api/v4/user').set('Authorization', `Bearer ${alice.token}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: alice.id, username: alice.username });
    });

    it('accepts the private_token body parameter (JSON body)', async () => {
      const target = await createUserWithToken(ctx);
      const res = await ctx.http.put(`/api/v4/users/${target.id}`).send({ private_token: ctx.rootToken, name: 'Renamed By Json Body Token' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: target.id, name: 'Renamed By Json Body Token' });
    });

    it('accepts the private_token body parameter (form body)', async () => {
      const target = await createUserWithToken(ctx);
      const res = await ctx.http
        .put(`/api/v4/users/${target.id}`)
        .type('form')
        .send({ private_token: ctx.rootToken, name: 'Renamed By Form Token' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: target.id, name: 'Renamed By Form Token' });
    });

    it('without any token a write is 401 "401 Unauthorized"', async () => {
      const res = await ctx.http.put(`/api/v4/users/${alice.id}`).send({ name: 'Nobody' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('GET /user without any token is 401 "401 Unauthorized"', async () => {
      const res = await ctx.http.get('/api/v4/user');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });
  });

  describe('unknown token', () => {
    const unknown = 'glpat-this-token-does-not-exist';

    it('is 401 invalid_token "Bad Access Token." from the PRIVATE-TOKEN header', async () => {
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', unknown);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(BAD_TOKEN);
    });

    it('is 401 invalid_token from the private_token query parameter', async () => {
      const res = await ctx.http.get('/api/v4/user').query({ private_token: unknown });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(BAD_TOKEN);
    });

    it('is 401 invalid_token from a Bearer header', async () => {
      const res = await ctx.http.get('/api/v4/user').set('Authorization', `Bearer ${unknown}`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(BAD_TOKEN);
    });

    it('is 401 invalid_token from the private_token body parameter', async () => {
      const res = await ctx.http.put(`/api/v4/users/${alice.id}`).send({ private_token: unknown, name: 'Nope' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(BAD_TOKEN);
    });

    it('is 401 even on endpoints that allow anonymous callers (a bad token is never treated as anonymous)', async () => {
      const res = await ctx.http.get('/api/v4/users').query({ username: alice.username }).set('PRIVATE-TOKEN', unknown);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(BAD_TOKEN);
    });
  });

  describe('expired and revoked tokens', () => {
    it('a token whose expires_at is today is expired: 401 "Token is expired…"', async () => {
      const bob = await createUserWithToken(ctx, {}, ['api']);
      const before = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', bob.token);
      expect(before.status).toBe(200);

      await ctx.db.query(`UPDATE credentials.personal_access_tokens SET expires_at = ${UTC_TODAY} WHERE token_digest = $1`, [sha256(bob.token)]);

      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', bob.token);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(EXPIRED);
      const bearer = await ctx.http.get('/api/v4/user').set('Authorization', `Bearer ${bob.token}`);
      expect(bearer.status).toBe(401);
      expect(bearer.body).toEqual(EXPIRED);
    });

    it('a token that expired in the past is expired too', async () => {
      const carol = await createUserWithToken(ctx, {}, ['api']);
      await ctx.db.query(`UPDATE credentials.personal_access_tokens SET expires_at = ${UTC_TODAY} - 30 WHERE token_digest = $1`, [sha256(carol.token)]);
      const res = await ctx.http.get('/api/v4/user').query({ private_token: carol.token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(EXPIRED);
    });

    it('a token expiring tomorrow still works', async () => {
      const dave = await createUserWithToken(ctx, {}, ['api']);
      await ctx.db.query(`UPDATE credentials.personal_access_tokens SET expires_at = ${UTC_TODAY} + 1 WHERE token_digest = $1`, [sha256(dave.token)]);
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', dave.token);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(dave.id);
    });

    it('a revoked token is 401 "Token was revoked…"', async () => {
      const erin = await createUserWithToken(ctx, {}, ['api']);
      await ctx.db.query('UPDATE credentials.personal_access_tokens SET revoked = true WHERE token_digest = $1', [sha256(erin.token)]);
      const res = await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', erin.token);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(REVOKED);
      const write = await ctx.http.put(`/api/v4/users/${erin.id}`).set('PRIVATE-TOKEN', erin.token).send({ name: 'x' });
      expect(write.status).toBe(401);
      expect(write.body).toEqual(REVOKED);
    });
  });

  describe('storage: only SHA-256 digests, never the plain token', () => {
    it('stores sha256(token) as hex in token_digest', async () => {
      const frank = await createUserWithToken(ctx, {}, ['read_user']);
      const rows = await ctx.db.query<{ token_digest: string }>('SELECT token_digest FROM credentials.personal_access_tokens WHERE user_id = $1', [frank.id]);
      expect(rows).toEqual([{ token_digest: sha256(frank.token) }]);
      expect(rows[0].token_digest).toMatch(/^[0-9a-f]{64}$/);
    });

    it('the root token is stored as its digest too', async () => {
      const rows = await ctx.db.query<{ token_digest: string }>('SELECT token_digest FROM credentials.personal_access_tokens WHERE user_id = 1');
      expect(rows.map((row) => row.token_digest)).toContain(sha256(ctx.rootToken));
    });

    it('no column of personal_access_tokens, no stored event and no audit row contains a plain token', async () => {
      await ctx.startWorker();
      const grace = await createUserWithToken(ctx, {}, ['api', 'read_user']);
      const [{ id: tokenId }] = await ctx.db.query<{ id: string }>('SELECT id FROM credentials.personal_access_tokens WHERE token_digest = $1', [sha256(grace.token)]);
      // Wait for the audit worker to have seen the token creation as well.
      await eventually(async () => {
        const rows = await ctx.db.query("SELECT 1 FROM activity.audit_events WHERE event_name = 'personal_access_token_created' AND details->>'token_id' = $1", [String(tokenId)]);
        return rows.length ? true : undefined;
      });

      const tokens = [ctx.rootToken, alice.token, grace.token];
      // The random part alone must not leak either (e.g. stored without its prefix).
      const secrets = [...tokens, ...tokens.map((token) => token.replace(/^glpat-/, ''))];

      const tokenRows = await ctx.db.query<{ text: string }>('SELECT row_to_json(t)::text AS text FROM credentials.personal_access_tokens t');
      const events = await ctx.db.query<{ text: string }>("SELECT data::text || ' ' || metadata::text AS text FROM es_events");
      const audits = await ctx.db.query<{ text: string }>('SELECT row_to_json(a)::text AS text FROM activity.audit_events a');
      expect(tokenRows.length).toBeGreaterThanOrEqual(3);
      expect(events.length).toBeGreaterThan(0);
      expect(audits.length).toBeGreaterThan(0);
      for (const { text } of [...tokenRows, ...events, ...audits]) {
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
      const eventData = await ctx.db.query<{ data: Record<string, unknown> }>(
        "SELECT data FROM es_events WHERE event_type = 'credentials.personal_access_token_created' AND (data->>'id')::bigint = $1",
        [tokenId],
      );
      expect(eventData).toHaveLength(1);
      expect(eventData[0].data.token_digest).toBe(sha256(grace.token));
      expect(eventData[0].data).not.toHaveProperty('token');
    });
  });
});
