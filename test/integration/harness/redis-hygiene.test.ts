import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '../../support/redis-keys.js';
import { startTestApp } from '../../support/test-app.js';

/**
 * In-process test apps use the Redis of `TEST_REDIS_URL` (database included), like the spawned
 * services, and leave no key behind when they close: queues, job schedulers and rate-limit
 * counters all live under the app's own prefix, which `close()` empties.
 */
describe('test harness: one Redis for every tier, nothing left behind', () => {
  it("an app's keys are written to TEST_REDIS_URL's database under its prefix, and removed when it closes", async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const ctx = await startTestApp('redis_hygiene');
      const keys = () => redis.keys(`${ctx.config.queuePrefix}:*`);
      try {
        // Inside the try, so a failure still closes the app (an app left open keeps jest from exiting).
        expect(ctx.config.redisUrl).toBe(TEST_REDIS_URL);
        await ctx.startWorker();
        // The first boot's events reach the audit queue, and the worker keeps its job schedulers.
        const deadline = Date.now() + 10_000;
        while ((await keys()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        expect((await keys()).length).toBeGreaterThan(0);
      } finally {
        await ctx.close();
      }
      expect(await keys()).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
