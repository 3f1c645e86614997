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

/** The count so far and the milliseconds until the window closes, without counting. */
const PEEK_SCRIPT = `
return { tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1]) }
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

  /** The window's count without counting this request (0 when none is open), for limits that count only some outcomes. */
  async peek(counterKey: string): Promise<RateLimitHit | null> {
    return this.ask(() => this.redis.eval(PEEK_SCRIPT, 1, counterKey));
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
