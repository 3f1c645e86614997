import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Redis } from 'ioredis';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApiApp } from '../../../apps/api/src/create-api-app.js';
import { REDIS, type AppConfig } from '../../../libs/shared/src/index.js';
import { createUserWithToken, startTestApp, unique, type CreatedUser, type TestContext } from '../../support/test-app.js';

const LIMIT = 3;
const TOO_MANY = { message: { error: 'This endpoint has been requested too many times. Try again later.' } };

/** GET /api/v4/users/:id is rate limited per signed-in non-admin, in Redis (reference §1.1, §4). */
describe('rate limit on GET /api/v4/users/:id (users_get_by_id)', () => {
  let ctx: TestContext;
  const extraApps: NestExpressApplication[] = [];
  const allowedName = unique('allowed');
  let target: CreatedUser;

  /** Another API instance on the same database and Redis, with config changes. */
  async function anotherApi(overrides: Partial<AppConfig> = {}): Promise<{ app: NestExpressApplication; http: TestAgent }> {
    const app = await createApiApp({ ...ctx.config, ...overrides }, { logger: false });
    await app.init();
    extraApps.push(app);
    return { app, http: supertest(app.getHttpServer()) };
  }

  const get = (http: TestAgent, token: string, id: number | string = target.id) => http.get(`/api/v4/users/${id}`).set('PRIVATE-TOKEN', token);

  /** Spends a user's whole budget on the first API. */
  async function exhaust(user: CreatedUser): Promise<void> {
    for (let i = 0; i < LIMIT; i += 1) expect((await get(ctx.http, user.token)).status).toBe(200);
  }

  beforeAll(async () => {
    // Upper case in the setting: usernames are compared case-insensitively.
    ctx = await startTestApp('rate_limit', { usersGetByIdLimit: LIMIT, usersGetByIdLimitAllowlist: [allowedName.toUpperCase()] });
    target = await createUserWithToken(ctx, { username: unique('target') });
  });
  afterAll(async () => {
    for (const app of extraApps) await app.close();
    await ctx?.close();
  });

  it('a regular user: the first requests pass, the one over the limit is 429 with GitLab\'s body and Retry-After', async () => {
    const alice = await createUserWithToken(ctx);
    await exhaust(alice);
    const res = await get(ctx.http, alice.token);
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(TOO_MANY);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // Still limited, whichever user is asked for; GitLab checks the limit before looking the user up.
    expect((await get(ctx.http, alice.token, alice.id)).status).toBe(429);
    const missing = await get(ctx.http, alice.token, 987654);
    expect(missing.status).toBe(429);
    expect(missing.body).toEqual(TOO_MANY);
  });

  it('another user has a budget of their own', async () => {
    const bob = await createUserWithToken(ctx);
    const carol = await createUserWithToken(ctx);
    await exhaust(bob);
    expect((await get(ctx.http, bob.token)).status).toBe(429);
    const res = await get(ctx.http, carol.token);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(target.id);
  });

  it('an admin is never limited', async () => {
    for (let i = 0; i < LIMIT * 2; i += 1) {
      const res = await get(ctx.http, ctx.rootToken);
      expect(res.status).toBe(200);
      expect(res.headers['retry-after']).toBeUndefined();
    }
  });

  it('an allowlisted username is never limited', async () => {
    const allowed = await createUserWithToken(ctx, { username: allowedName });
    for (let i = 0; i < LIMIT * 2; i += 1) expect((await get(ctx.http, allowed.token)).status).toBe(200);
  });

  it('an admin acting as a regular user with sudo spends that user\'s budget', async () => {
    const dave = await createUserWithToken(ctx);
    await exhaust(dave);
    const res = await ctx.http.get(`/api/v4/users/${target.id}`).set('PRIVATE-TOKEN', ctx.rootToken).set('Sudo', dave.username);
    expect(res.status).toBe(429);
    expect(res.body).toEqual(TOO_MANY);
  });

  it('anonymous callers keep their 403, never a 429; a bad token is 401; a non-numeric id is the route 404', async () => {
    const erin = await createUserWithToken(ctx);
    await exhaust(erin);
    for (let i = 0; i < LIMIT + 1; i += 1) {
      const anonymous = await ctx.http.get(`/api/v4/users/${target.id}`);
      expect(anonymous.status).toBe(403);
      expect(anonymous.body).toEqual({ message: '403 Forbidden - Not authorized!' });
    }
    const badToken = await get(ctx.http, 'glpat-not-a-token');
    expect(badToken.status).toBe(401);
    const nonNumeric = await get(ctx.http, erin.token, 'abc');
    expect(nonNumeric.status).toBe(404);
    expect(nonNumeric.body).toEqual({ error: '404 Not Found' });
  });

  it('the limit covers only GET /users/:id: other reads of a limited user still work', async () => {
    const frank = await createUserWithToken(ctx);
    await exhaust(frank);
    expect((await get(ctx.http, frank.token)).status).toBe(429);
    expect((await ctx.http.get('/api/v4/user').set('PRIVATE-TOKEN', frank.token)).status).toBe(200);
    expect((await ctx.http.get('/api/v4/users').set('PRIVATE-TOKEN', frank.token)).status).toBe(200);
  });

  it('two API instances share one budget (the counter lives in Redis)', async () => {
    const second = await anotherApi();
    const grace = await createUserWithToken(ctx);
    expect((await get(ctx.http, grace.token)).status).toBe(200);
    expect((await get(second.http, grace.token)).status).toBe(200);
    expect((await get(ctx.http, grace.token)).status).toBe(200);
    const res = await get(second.http, grace.token);
    expect(res.status).toBe(429);
    expect(res.body).toEqual(TOO_MANY);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await get(ctx.http, grace.token)).status).toBe(429);
  });

  it('a limit of 0 disables it', async () => {
    const unlimited = await anotherApi({ usersGetByIdLimit: 0 });
    const heidi = await createUserWithToken(ctx);
    for (let i = 0; i < LIMIT * 2; i += 1) expect((await get(unlimited.http, heidi.token)).status).toBe(200);
  });

  it('once the window has passed, the user may read again', async () => {
    const short = await anotherApi({ usersGetByIdIntervalSeconds: 1 });
    const ivan = await createUserWithToken(ctx);
    for (let i = 0; i < LIMIT; i += 1) expect((await get(short.http, ivan.token)).status).toBe(200);
    const limited = await get(short.http, ivan.token);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await get(short.http, ivan.token)).status).toBe(200);
  });

  it('while Redis is unreachable, requests are served (fail open), never a 500', async () => {
    const cut = await anotherApi();
    const judy = await createUserWithToken(ctx);
    await exhaust(judy);
    expect((await get(cut.http, judy.token)).status).toBe(429);
    cut.app.get<Redis>(REDIS).disconnect();
    for (let i = 0; i < 2; i += 1) {
      const res = await get(cut.http, judy.token);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(target.id);
    }
  });
});
