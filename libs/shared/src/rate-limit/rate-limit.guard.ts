import { applyDecorators, Inject, Injectable, SetMetadata, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RateLimitedError } from '@app/kernel';
import type { GitlabRequest } from '../http/gitlab-request.js';
import { REDIS } from '../queues/redis.provider.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RouteMetadataCache } from '../http/route-metadata-cache.js';
import { isExempt, judge, rateLimitCounterKey, rateLimitRule, type RateLimitKey, type RateLimitRule, type RateLimitSubject } from './rate-limit.rules.js';

export const RATE_LIMIT_KEY = 'gitlab:rate-limit';

/**
 * Counts each request of the signed-in caller (or, for a rule counted per IP address, of the
 * client) against a named limit, after authentication (the global auth guard runs first).
 * Anonymous callers of a per-user rule pass through, so the handler answers
 * them (401/403) as GitLab does; admins and allowlisted usernames are never counted. A request
 * that is not counted is let through synchronously, before any other work.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limiter: RedisRateLimiter;
  /** Each route's rule (null: not limited), read from its decorators once; rules depend only on the configuration. */
  private readonly rules: RouteMetadataCache<{ key: RateLimitKey; rule: RateLimitRule } | null>;

  constructor(
    reflector: Reflector,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.limiter = new RedisRateLimiter(redis);
    this.rules = new RouteMetadataCache((targets) => {
      const key = reflector.getAllAndOverride<RateLimitKey | undefined>(RATE_LIMIT_KEY, targets);
      return key ? { key, rule: rateLimitRule(key, config) } : null;
    });
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const limited = this.rules.of(context);
    if (!limited) return true;
    const req = context.switchToHttp().getRequest<GitlabRequest>();
    if (limited.rule.per === 'ip') return limited.rule.limit <= 0 ? true : this.count(limited.key, limited.rule, { ip: req.ip ?? 'unknown' });
    const caller = req.caller;
    if (!caller || isExempt(limited.rule, caller.user)) return true;
    return this.count(limited.key, limited.rule, caller.user);
  }

  private async count(key: RateLimitKey, rule: RateLimitRule, subject: RateLimitSubject | { ip: string }): Promise<boolean> {
    const hit = await this.limiter.hit(rateLimitCounterKey(this.config.queuePrefix, key, subject), rule.intervalSeconds);
    if (hit === null) return true;
    const verdict = judge(rule, hit.count, hit.ttlMs);
    if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterSeconds);
    return true;
  }
}

/** Limits the route with the named rule: `@RateLimit('users_get_by_id')`. */
export const RateLimit = (key: RateLimitKey) => applyDecorators(SetMetadata(RATE_LIMIT_KEY, key), UseGuards(RateLimitGuard));
