import { Redis } from 'ioredis';

/** The Redis every test uses, in-process apps and spawned services alike (`TEST_REDIS_URL`). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Removes every key under `prefix:` (queues, job schedulers, rate-limit counters) so a run leaves nothing behind. */
export async function removeRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
    return removed;
  } catch {
    // A suite that stopped Redis on purpose has no keys to leave behind there.
    return 0;
  } finally {
    redis.disconnect();
  }
}
