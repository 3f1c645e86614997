import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * One atomic step of a fixed window: count this request and, for the first one, start the
 * window. Returns the count and the milliseconds until the window closes.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

/** Takes back one count of an open window (never creates one): for limits that count only some outcomes. */
const UNCOUNT_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return { 0, -2 } end
return { redis.call('DECR', KEYS[1]), redis.call('PTTL', KEYS[1]) }
`;

export interface RateLimitHit {
  count: number;
  ttlMs: number;
}

/** Longest a rate-limit check may wait for Redis before the request is served anyway. */
const REDIS_TIMEOUT_MS = 500;

/**
 * Counters in Redis, so every API instance shares one budget. When Redis cannot answer,
 * `hit` returns null and the caller serves the request (fail open); the first failure of
 * an outage is logged as a warning, and the recovery once.
 */
export class RedisRateLimiter {
  private readonly logger = new Logger('RateLimit');
  private failing = false;

  constructor(private readonly redis: Redis) {}

  async hit(counterKey: string, intervalSeconds: number): Promise<RateLimitHit | null> {
    return this.ask(() => this.redis.eval(HIT_SCRIPT, 1, counterKey, String(intervalSeconds * 1000)));
  }

  /**
   * Takes back a `hit` whose request turned out not to count. Counting first and taking back
   * after keeps a burst of parallel requests from all passing before any is counted.
   */
  async uncount(counterKey: string): Promise<RateLimitHit | null> {
    return this.ask(() => this.redis.eval(UNCOUNT_SCRIPT, 1, counterKey));
  }

  private async ask(command: () => Promise<unknown>): Promise<RateLimitHit | null> {
    // While disconnected, ioredis would queue the command until it reconnects: don't wait.
    if (this.redis.status !== 'ready') return this.failed(new Error(`Redis connection is ${this.redis.status}`));
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await Promise.race([
        command(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
        }),
      ]);
      const [count, ttlMs] = reply as [number, number];
      if (this.failing) {
        this.failing = false;
        this.logger.log('Redis answers again: rate limits are enforced');
      }
      return { count: Number(count), ttlMs: Number(ttlMs) };
    } catch (error) {
      return this.failed(error);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private failed(error: unknown): null {
    if (!this.failing) {
      this.failing = true;
      this.logger.warn(`Rate limits are not enforced while Redis is unavailable (requests are served): ${error instanceof Error ? error.message : String(error)}`);
    }
    return null;
  }
}
