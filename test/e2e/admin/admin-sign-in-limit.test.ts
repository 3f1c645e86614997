import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { openSignInForm, SESSION_COOKIE, setCookie } from '../../support/admin-sign-in.js';
import { TEST_REDIS_URL } from '../../support/redis-keys.js';
import { createUserWithToken, startTestApp, type TestContext } from '../../support/test-app.js';

/**
 * Refused admin sign-ins are counted per client address (ADMIN_SIGN_IN_LIMIT per
 * ADMIN_SIGN_IN_INTERVAL_SECONDS); past the limit the form refuses every token, a right one too,
 * until the window closes. Signing in successfully is never counted.
 */
describe('admin sign-in: refused attempts are limited per address', () => {
  let ctx: TestContext;
  let redis: Redis;
  const counters = () => redis.keys(`${ctx.config.queuePrefix}:rate-limit:admin_sign_in:*`);

  const attempt = async (token: string) => {
    const form = await openSignInForm(ctx);
    return ctx.http.post('/admin/sign_in').set('Cookie', form.cookie).type('form').send({ csrf: form.csrf, token, return_to: '/admin/audit' });
  };

  beforeAll(async () => {
    ctx = await startTestApp('admin_sign_in_limit', { adminSignInLimit: 3, adminSignInIntervalSeconds: 600 });
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await ctx?.close();
  });

  it('signing in successfully, again and again, counts nothing', async () => {
    for (let i = 0; i < 5; i += 1) expect((await attempt(ctx.rootToken)).status).toBe(303);
    const [key] = await counters();
    expect(await redis.get(key)).toBe('0');
  });

  it("three refused attempts are answered as usual; the fourth is refused with 429 and Retry-After, whatever the token, and opens no session", async () => {
    const regular = await createUserWithToken(ctx);
    expect((await attempt('glpat-not-a-real-token-0000')).status).toBe(401);
    expect((await attempt(regular.token)).status).toBe(403);
    expect((await attempt('glpat-not-a-real-token-0001')).status).toBe(401);

    const [key] = await counters();
    expect(await redis.get(key)).toBe('3');
    await redis.del(key);
    // Counted again from a fresh window, so its length can be read.
    expect((await attempt('glpat-not-a-real-token-0002')).status).toBe(401);
    expect((await attempt('glpat-not-a-real-token-0003')).status).toBe(401);
    expect((await attempt('glpat-not-a-real-token-0004')).status).toBe(401);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);

    const blocked = await attempt(ctx.rootToken);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(590);
    expect(blocked.headers['content-type']).toMatch(/^text\/html/);
    expect(blocked.text).toContain('Too many refused sign-ins from this address. Try again in 10 minutes.');
    // The form is shown again, with a fresh CSRF value, and no session was made.
    expect(blocked.text).toContain('name="csrf"');
    expect(setCookie(blocked, SESSION_COOKIE)).toBeUndefined();
    // Refusals past the limit count too, but never push the window back.
    expect(await redis.get(key)).toBe('4');
    expect(await redis.ttl(key)).toBeLessThanOrEqual(ttl);
  });

  it('parallel refused attempts cannot all pass the check: at most the limit are looked at', async () => {
    const [key] = await counters();
    await redis.del(key);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(`glpat-not-a-real-token-1${i}00`)));
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
  });

  it('when the window closes, the right token signs in again', async () => {
    const [key] = await counters();
    await redis.pexpire(key, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await attempt(ctx.rootToken)).status).toBe(303);
  });
});
